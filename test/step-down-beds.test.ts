import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { compileSource, formatDiagnostic, judgeHypothesis, parseModel, prepareScenario, simulate, type RunResult } from '../engine/src/index.js';
import { readCompanion } from '../services/model-companion.js';

/** The example service (resources/models/step-down-beds.cwm): structure and its key numbers. */

const text = readFileSync('resources/models/step-down-beds.cwm', 'utf8');
const compiled = compileSource(text, 'step-down-beds.cwm');
const run = (beds?: number): RunResult => simulate(compiled.model!, beds === undefined ? {} : { overrides: { 'Step-down beds': beds } });
const values = (r: RunResult, name: string): number[] => Array.from(r.series.find((s) => s.name === name)!.values);

describe('step-down beds example', () => {
  test('checks with no problems at all (units included), runs to the end, never below zero', () => {
    expect(compiled.diagnostics.map(formatDiagnostic)).toEqual([]);
    for (const beds of [undefined, 100, 125]) {
      const r = run(beds);
      expect(r.error).toBeUndefined();
      expect(r.times.length).toBe(53);
      for (const name of ['Waiting in hospital', 'In step-down beds']) for (const v of values(r, name)) expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  test('110 beds for 30 a week: the beds stay full, admit what they can (isee\'s steady state), and the wait grows', () => {
    const r = run();
    for (const o of values(r, 'Occupancy')) expect(o).toBeCloseTo(1, 12);
    const can = values(r, 'Beds a week can admit')[0]!;
    expect(can).toBeCloseTo(28.3192, 4);
    for (const a of values(r, 'Admitted to a step-down bed')) expect(a).toBeCloseTo(can, 9);
    // 30 − 28.32 = 1.68 more a week wait: about 97 by the end of the year, waiting about 3.4 weeks.
    const waiting = values(r, 'Waiting in hospital');
    expect(waiting[52]).toBeCloseTo(10 + 52 * (30 - can), 6);
    expect(values(r, 'Average wait')[52]).toBeGreaterThan(3.3);
    expect(values(r, 'Average wait')[52]).toBeLessThan(3.5);
    // 6% of those admitted die during their stay.
    expect(values(r, 'Died in a step-down bed')[30]! / values(r, 'Admitted to a step-down bed')[30]!).toBeCloseTo(0.06, 9);
  });

  test('125 beds: no one waits longer than a day, and about 7% of the beds stand empty', () => {
    const r = run(125);
    for (const w of values(r, 'Waiting in hospital').slice(4)) expect(w).toBeCloseTo(30 / 7, 9);
    expect(values(r, 'Admitted to a step-down bed')[10]).toBeCloseTo(30, 9);
    expect(values(r, 'Occupancy')[52]).toBeCloseTo(0.932, 3);
  });

  test('the service pattern in docs/language.md compiles as written and admits what its formula says', () => {
    const docs = readFileSync('docs/language.md', 'utf8');
    const block = /### A service[\s\S]*?```\n([\s\S]*?)```/.exec(docs)![1]!;
    const pattern = compileSource(`simulation\n  start: 0\n  stop: 52\n  dt: 1/7\n  time unit: week\n${block}`, 'service.cwm');
    expect(pattern.diagnostics.map(formatDiagnostic)).toEqual([]);
    const r = simulate(pattern.model!, { saveEvery: 1 / 7 });
    // Nobody waits at first, so the first step admits no one and leaves a gap that goes round with the
    // belt; once the places have filled up, they admit about the formula's number a week over a stay (28 steps).
    const admissions = values(r, 'admissions');
    expect(admissions[0]).toBe(0);
    expect(values(r, 'Occupancy').at(-1)).toBeCloseTo(1, 12);
    const lastStay = admissions.slice(-28);
    expect(lastStay.reduce((a, b) => a + b, 0) / 28).toBeCloseTo(110 / (4 * (1 - 0.06 / 2) + (0.06 * 1) / 7 / 2), 1);
  });

  test('fewer beds mean more delayed discharges, in proportion to the shortfall', () => {
    const w = (beds: number): number => values(run(beds), 'Waiting in hospital')[52]!;
    expect(w(100)).toBeGreaterThan(w(110));
    expect(w(110)).toBeGreaterThan(w(125));
    expect(w(100)).toBeCloseTo(10 + 52 * (30 - 100 / (4 * 0.97 + 0.06 / 14)), 6);
  });

  test('its scenarios (step-down-beds.project.json) give what its hypotheses say, by the numbers above', () => {
    const companion = readCompanion('resources/models/step-down-beds.cwm')!;
    const scenario = (name: string): RunResult => {
      const { prepared, problems } = prepareScenario({ ast: parseModel(text, 'step-down-beds.cwm').ast, model: compiled.model! }, companion.scenarios.find((s) => s.name === name)!);
      expect(problems).toEqual([]);
      return simulate(prepared!.model, { overrides: prepared!.overrides });
    };
    // 125 beds: the 30 a week are admitted after a day's wait (30/7 waiting): an average wait of 1/7 week.
    expect(values(scenario('125 step-down beds'), 'Average wait')[52]).toBeCloseTo(1 / 7, 9);
    // 100 beds admit 100 / (4 × 0.97 + 0.06/14) ≈ 25.74 a week: 10 + 52 × 4.26 ≈ 231 waiting by week 52.
    expect(values(scenario('100 step-down beds'), 'Waiting in hospital')[52]).toBeCloseTo(10 + 52 * (30 - 100 / (4 * 0.97 + 0.06 / 14)), 6);
    const runs = new Map(companion.scenarios.map((s) => [s.name, scenario(s.name)]));
    expect(companion.hypotheses.map((h) => judgeHypothesis(h, runs).status)).toEqual(['supported', 'supported']);
  });
});
