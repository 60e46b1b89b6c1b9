/**
 * The commissioning snippet library (renderer/src/editor/snippets.ts, documented in
 * docs/commissioning.md): put together as a modeller would, the blocks read cleanly (no errors, no
 * unit warnings), and each computes what a hand calculation says. The docs show each block's text.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { compileSource, simulate, type RunResult } from '../engine/src/index.js';
import { COMMISSIONING_SNIPPETS, snippetText } from '../renderer/src/editor/snippets.js';
import { completions, emptyAnalysis } from '../renderer/src/editor/language-service.js';

const HEADER = `model "Snippets together"
simulation
  start: 2025
  stop: 2035
  dt: 1/52
  save every: 1
  method: euler
  time unit: year
`;

/** What the money and indicator blocks read, standing in for the rest of a model. */
const STAND_INS = `
const "Residential occupied" [people] = 1400
const "Home care clients" [people] = 3000
aux "Delayed discharges" [people] = "Step-down waiting"
const "Residential admissions" [people/year] = 500
`;


function run(text: string): RunResult {
  const compiled = compileSource(text, 'snippets.cwm');
  expect(compiled.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([]);
  return simulate(compiled.model!);
}

function at(r: RunResult, name: string, time: number): number {
  const i = Array.from(r.times).findIndex((t) => Math.abs(t - time) < 1e-9);
  const s = r.series.find((x) => x.name === name);
  if (i < 0 || !s) throw new Error(`no ${name} at ${time}: ${r.series.map((x) => x.name).join(', ')}`);
  return s.values[i]!;
}

const whole = (blocks: readonly string[]): string => [HEADER, ...blocks, STAND_INS].join('\n');
const all = COMMISSIONING_SNIPPETS.map(snippetText);

describe('the commissioning snippets', () => {
  const r = run(whole(all));

  test('demand: population × prevalence summed over age bands, per level of need', () => {
    // 2025: 52,000 × 6% + 33,000 × 10% + 12,000 × 16% and so on.
    expect(at(r, 'People with needs[low]', 2025)).toBeCloseTo(3120 + 3300 + 1920, 6);
    expect(at(r, 'People with needs[moderate]', 2025)).toBeCloseTo(1560 + 2310 + 1800, 6);
    expect(at(r, 'People with needs[intensive]', 2025)).toBeCloseTo(520 + 990 + 1440, 6);
    // 2030: populations halfway between the 2025 and 2035 points.
    expect(at(r, 'People with needs[low]', 2030)).toBeCloseTo(56500 * 0.06 + 37000 * 0.1 + 14500 * 0.16, 6);
    expect(at(r, 'Population 65+', 2035)).toBeCloseTo(61000 + 41000 + 17000, 6);
  });

  test('demand: prevalence falling 1% a year lowers intensive need by e^-0.1 after ten years', () => {
    const text = whole(all).replace('"Prevalence change per year"[Need] [1/year] = 0, 0, 0', '"Prevalence change per year"[Need] [1/year] = 0, 0, -1%');
    const drifted = run(text);
    expect(at(drifted, 'People with needs[intensive]', 2035)).toBeCloseTo((610 + 1230 + 2040) * Math.exp(-0.1), 6);
    expect(at(drifted, 'People with needs[low]', 2035)).toBeCloseTo(at(r, 'People with needs[low]', 2035), 9);
  });

  test('a service with enough places: occupancy settles at referrals × stay, nobody waits', () => {
    // 800 a year staying 6 weeks: 800 × 6 / 52.18 occupied; 100 places can take 869.7 a year.
    expect(at(r, 'Step-down occupied', 2035)).toBeCloseTo((800 * 6) / 52.18, 1);
    expect(at(r, 'Step-down waiting', 2035)).toBeLessThan(1e-6);
  });

  test('a full service: the waiting list grows by the referrals its places cannot take', () => {
    const short = run(whole(all).replace('"Step-down places" [people] = 100', '"Step-down places" [people] = 80'));
    // 80 places turning over every 6 weeks take 80 × 52.18 / 6 = 695.7 a year of the 800 referred.
    const growth = at(short, 'Step-down waiting', 2035) - at(short, 'Step-down waiting', 2034);
    expect(growth).toBeCloseTo(800 - (80 * 52.18) / 6, 0);
    expect(at(short, 'Step-down occupied', 2035)).toBeCloseTo(80, 6);
    expect(at(short, 'Step-down occupancy', 2035)).toBeCloseTo(1, 6);
  });

  test('unit costs: per place-week, per home care hour and per bed-day, inflated yearly', () => {
    expect(at(r, 'Residential spend', 2025)).toBeCloseTo(1400 * 1000 * 52.18, 3);
    expect(at(r, 'Home care spend', 2025)).toBeCloseTo(3000 * 10 * 28 * 52.18, 3);
    expect(at(r, 'Residential spend', 2030)).toBeCloseTo(1400 * 1000 * 52.18 * 1.03 ** 5, 2);
    const short = run(whole(all).replace('"Step-down places" [people] = 100', '"Step-down places" [people] = 80'));
    const waiting = at(short, 'Step-down waiting', 2032);
    expect(at(short, 'Delayed discharge spend', 2032)).toBeCloseTo(waiting * 400 * 365.25 * 1.03 ** 7, 2);
  });

  test('funders: shares of each service, spend against budgets, and the pooled budget', () => {
    const residential = 1400 * 1000 * 52.18;
    const homeCare = 3000 * 10 * 28 * 52.18;
    const council = 0.55 * residential + 0.65 * homeCare;
    expect(at(r, 'Spend by funder[council]', 2025)).toBeCloseTo(council, 2);
    expect(at(r, 'Spend by funder[NHS]', 2025)).toBeCloseTo(0.08 * residential + 0.1 * homeCare, 2);
    expect(at(r, 'Spend by funder[self-funders]', 2025)).toBeCloseTo(0.37 * residential + 0.25 * homeCare, 2);
    expect(at(r, 'Budget gap[council]', 2025)).toBeCloseTo(council - 70_000_000, 2);
    expect(at(r, 'Budget gap[council]', 2030)).toBeCloseTo(council * 1.03 ** 5 - 70_000_000 * 1.02 ** 5, 1);
    expect(at(r, 'Budget gap[self-funders]', 2030)).toBe(0);
    // Home care and hospital are pooled; self-funders' quarter of home care is not the pool's.
    expect(at(r, 'Pooled spend', 2025)).toBeCloseTo(0.75 * homeCare, 2);
  });

  test('levels: spend per whole-system level and the share spent upstream of hospital and care homes', () => {
    const residential = 1400 * 1000 * 52.18;
    const homeCare = 3000 * 10 * 28 * 52.18;
    const total = 1.5e6 + 3e6 + 6e6 + homeCare + residential;
    expect(at(r, 'Spend by level[prevention]', 2030)).toBeCloseTo(3e6 * 1.03 ** 5, 2);
    expect(at(r, 'Spend by level[community support]', 2025)).toBeCloseTo(homeCare, 2);
    expect(at(r, 'Share of spend upstream', 2025)).toBeCloseTo(1 - residential / total, 9);
  });

  test('indicator: admissions per 100,000 aged 65+', () => {
    expect(at(r, 'Care home admissions per 100k aged 65+', 2025)).toBeCloseTo((500 / 97000) * 100000, 6);
  });

  test('each block states what it reads: without those names the model reports them missing', () => {
    for (const s of COMMISSIONING_SNIPPETS.filter((x) => x.reads.length)) {
      const compiled = compileSource([HEADER, snippetText(s)].join('\n'), `${s.id}.cwm`);
      const missing = compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('\n');
      for (const read of s.reads) {
        const name = /^"([^"]+)"/.exec(read)![1]!;
        expect(missing, `${s.id} reads ${name}`).toContain(name);
      }
    }
  });

  test('the documentation shows every block as the editor inserts it', () => {
    const doc = readFileSync(new URL('../docs/commissioning.md', import.meta.url), 'utf8');
    const blocks = [...doc.matchAll(/```cwm\n([\s\S]*?)```/g)].map((m) => m[1]!.trimEnd());
    for (const s of COMMISSIONING_SNIPPETS) expect(blocks, s.id).toContain(snippetText(s));
  });

  test('the editor offers the blocks at the start of a line, as snippets with placeholders', () => {
    const items = completions(emptyAnalysis(), 'snip', 1, 5);
    const offered = items.filter((i) => i.kind === 'snippet');
    expect(offered.map((i) => i.label)).toEqual(COMMISSIONING_SNIPPETS.map((s) => s.label));
    const demand = offered.find((i) => i.label.startsWith('Demand'))!;
    expect(demand.snippet).toBe(true);
    expect(demand.insertText).toContain('${1:AgeBand}');
  });
});
