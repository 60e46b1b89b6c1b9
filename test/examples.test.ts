/**
 * The example models in resources/models: each reads cleanly (units consistent), runs without NaN,
 * keeps its stocks non-negative, and its scenarios fit it; each documented result is within the
 * range its documentation (docs/examples/) states, and scenarios differ in the stated direction.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSource, parseModel, prepareScenario, simulate, validateScenario, type CompiledModel, type RunResult } from '../engine/src/index.js';
import { readCompanion } from '../services/model-companion.js';
import { dataTablesNextTo } from '../services/model-files.js';

const DIR = new URL('../resources/models/', import.meta.url).pathname;
const EXAMPLES = readdirSync(DIR).filter((f) => f.endsWith('.cwm')).sort();

function load(file: string): { model: CompiledModel; text: string } {
  const path = join(DIR, file);
  const text = readFileSync(path, 'utf8');
  const compiled = compileSource(text, path, { dataTables: dataTablesNextTo(path) });
  expect(compiled.diagnostics, file).toEqual([]);
  return { model: compiled.model!, text };
}

function value(run: RunResult, name: string, time: number): number {
  const i = Array.from(run.times).findIndex((t) => Math.abs(t - time) < 1e-9);
  const s = run.series.find((x) => x.name === name);
  if (i < 0 || !s) throw new Error(`no ${name} at ${time}`);
  return s.values[i]!;
}

/** Runs a companion scenario of an example by name. */
function runScenario(file: string, name: string): RunResult {
  const { model, text } = load(file);
  const path = join(DIR, file);
  const scenario = readCompanion(path)!.scenarios.find((s) => s.name === name)!;
  const { prepared, problems } = prepareScenario({ ast: parseModel(text, path).ast, model }, scenario, { dataTables: dataTablesNextTo(path) });
  expect(problems).toEqual([]);
  return simulate(prepared!.model, { overrides: prepared!.overrides });
}

describe.each(EXAMPLES)('%s', (file) => {
  it('reads without a warning, runs without NaN, and keeps every stock at zero or more', () => {
    const { model } = load(file);
    const run = simulate(model);
    expect(run.error).toBeUndefined();
    const stocks = new Set(model.checked.variables.filter((v) => v.kind === 'stock').map((v) => v.name));
    for (const s of run.series.filter((x) => stocks.has(x.variable))) {
      expect(Math.min(...s.values), s.name).toBeGreaterThanOrEqual(0);
    }
  });

  it('has scenarios and hypotheses that fit it', () => {
    const path = join(DIR, file);
    const companion = readCompanion(path);
    const { model } = load(file);
    for (const s of companion?.scenarios ?? []) {
      expect(validateScenario(model, s, { dataTables: dataTablesNextTo(path) }), s.name).toEqual([]);
      const run = runScenario(file, s.name);
      expect(run.error, s.name).toBeUndefined();
    }
    const names = new Set(['Baseline', ...(companion?.scenarios ?? []).map((s) => s.name)]);
    for (const h of companion?.hypotheses ?? []) {
      if (!h.test) continue;
      expect(names.has(h.test.left.scenario), h.statement).toBe(true);
      if ('scenario' in h.test.right) expect(names.has(h.test.right.scenario), h.statement).toBe(true);
    }
  });
});

describe('rebalancing (docs/examples/rebalancing.md)', () => {
  const file = 'rebalancing.cwm';
  const base = simulate(load(file).model);
  const rebalanced = runScenario(file, 'Rebalanced');
  const within = (x: number, lo: number, hi: number) => expect(x >= lo && x <= hi, `${x} in [${lo}, ${hi}]`).toBe(true);

  it('gives the baseline figures the documentation states', () => {
    within(value(base, 'People served in all', 2035), 5450, 5650);
    within(value(base, 'Waiting for a care home', 2030), 80, 130);
    within(value(base, 'Spend by funder[council]', 2035), 100e6, 120e6);
    within(value(base, 'Budget gap[council]', 2035), 8e6, 17e6);
    within(value(base, 'Share of spend upstream', 2035), 0.46, 0.5);
    within(value(base, 'Care home admissions per 100k aged 65+', 2035), 450, 500);
    // Demand is population × prevalence × the right-service shares, by hand for 2025:
    // intensive = 54000·1% + 39000·3% + 14000·12% = 3390; moderate = 1620 + 2730 + 2100 = 6450.
    expect(value(base, 'Own demand[residential]', 2025)).toBeCloseTo(3390 * 0.4 + 6450 * 0.01, 6);
  });

  it('rebalancing serves more people for less council money, upstream, but more wait for a care home', () => {
    within(value(rebalanced, 'People served in all', 2035) - value(base, 'People served in all', 2035), 150, 400);
    within(value(base, 'Spend by funder[council]', 2035) - value(rebalanced, 'Spend by funder[council]', 2035), 3e6, 6e6);
    within(value(rebalanced, 'Share of spend upstream', 2035), 0.54, 0.58);
    within(value(rebalanced, 'Waiting for a care home', 2030), 350, 450);
    within(value(rebalanced, 'Care home admissions per 100k aged 65+', 2035), 350, 400);
    expect(value(rebalanced, 'Budget gap[council]', 2035)).toBeLessThan(value(base, 'Budget gap[council]', 2035));
    // Before the change starts (2026) the two are the same.
    expect(value(rebalanced, 'Spend by funder[council]', 2026)).toBe(value(base, 'Spend by funder[council]', 2026));
  });
});

describe('care homes (docs/examples/care-homes.md)', () => {
  const file = 'care-homes.cwm';
  const base = simulate(load(file).model);
  const reablement = runScenario(file, 'More reablement');
  const longer = runScenario(file, 'Longer stays');
  const within = (x: number, lo: number, hi: number) => expect(x >= lo && x <= hi, `${x} in [${lo}, ${hi}]`).toBe(true);

  it('short stays last exactly six weeks: places needed follow admissions × stay ÷ occupancy', () => {
    // 2025: 54000·0.2% + 39000·0.8% + 14000·2.6% = 784 a year, for 6/52 of a year, at 85% occupancy.
    expect(value(base, 'Short-stay places needed', 2025)).toBeCloseTo((784 * 6) / 52 / 0.85, 6);
    within(value(base, 'Long-term places needed in all', 2035), 1700, 1800);
    within(value(base, 'Short-stay places needed', 2030), 110, 130);
    within(value(base, 'Long-term admissions per 100k aged 65+', 2030), 620, 650);
    expect(value(base, 'Long-term occupancy of places now', 2030)).toBeGreaterThan(1);
  });

  it('more reablement trades long-term places for short-stay places; longer stays need more places', () => {
    within(value(reablement, 'Long-term places needed in all', 2035), 1550, 1680);
    within(value(reablement, 'Short-stay places needed', 2030), 170, 190);
    within(value(reablement, 'Long-term admissions per 100k aged 65+', 2030), 570, 600);
    within(value(longer, 'Long-term places needed in all', 2035), 2000, 2150);
    expect(value(reablement, 'Share of places that are short-stay', 2035)).toBeGreaterThan(value(base, 'Share of places that are short-stay', 2035));
  });
});

describe('intermediate care (docs/examples/intermediate-care.md)', () => {
  const file = 'intermediate-care.cwm';
  const runs = { 58: runScenario(file, '20% fewer step-down places'), 72: simulate(load(file).model), 86: runScenario(file, '20% more step-down places') };
  const within = (x: number, lo: number, hi: number) => expect(x >= lo && x <= hi, `${x} in [${lo}, ${hi}]`).toBe(true);

  it('gives the figures the documentation states at week 104', () => {
    const expected = {
      58: { wait: [120, 150], per100k: [300, 350], cost: [350e3, 400e3], care: [5.5, 6] },
      72: { wait: [30, 40], per100k: [80, 95], cost: [90e3, 110e3], care: [4, 4.5] },
      86: { wait: [15, 20], per100k: [38, 45], cost: [40e3, 50e3], care: [3.7, 4] },
    } as const;
    for (const places of [58, 72, 86] as const) {
      const run = runs[places];
      const e = expected[places];
      within(value(run, 'Waiting in hospital', 104), e.wait[0], e.wait[1]);
      within(value(run, 'Delayed transfers per 100k aged 65+', 104), e.per100k[0], e.per100k[1]);
      within(value(run, 'Cost of delays (NHS)', 104), e.cost[0], e.cost[1]);
      within(value(run, 'Long-term care admissions', 104), e.care[0], e.care[1]);
      // Never more people in intermediate care than its places (after the first weeks of a cut).
      expect(value(run, 'In intermediate care', 104)).toBeLessThanOrEqual(places + 1e-9);
      // Delay costs are bed days at £400.
      expect(value(run, 'Cost of delays (NHS)', 104)).toBeCloseTo(value(run, 'Waiting in hospital', 104) * 400 * 7, 6);
    }
  });
});
