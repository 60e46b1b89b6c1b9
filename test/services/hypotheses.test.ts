/** The hypothesis register: tests judged on scenario runs, stored per model, flagged when they cannot be tested. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHypothesis, judgeHypothesis } from '../../engine/src/index.js';
import type { ProjectSnapshot } from '../../services/api.js';
import { openWorkbench, type Harness } from './harness.js';

// A stock filled at a constant rate: People(t) = 100 + inflow·(t − 2025).
const MODEL = `model "Places"
simulation
  start: 2025
  stop: 2035
  dt: 1
  time unit: year
stock People [people] = 100
  inflow: admissions
flow admissions [people/year] = "admission rate"
const "admission rate" [people/year] = 10
`;

let h: Harness;
let snap: ProjectSnapshot;
let modelId: number;
beforeAll(async () => {
  h = openWorkbench('cwb-hypotheses-');
  snap = await h.api.createProject('Hypotheses');
  modelId = (await h.api.saveModel(snap.projectId, { name: 'Places', text: MODEL })).id;
  await h.api.saveScenario(snap.projectId, { modelId, name: 'Fewer admissions', overrides: { 'admission rate': 6 } });
});
afterAll(() => h.close());

describe('judging one hypothesis', () => {
  const runs = new Map([['Baseline', { times: [2025, 2030], series: [{ name: 'People', values: [100, 150] }] }]]);
  it('compares values at saved times, and says why it cannot when it cannot', () => {
    const test = { left: { variable: 'People', time: 2030, scenario: 'Baseline' }, op: '<' as const, right: { value: 160 } };
    expect(judgeHypothesis({ statement: 's', test }, runs)).toEqual({ statement: 's', status: 'supported', left: 150, right: 160, message: 'People in 2030 under "Baseline" (150) is less than 160.' });
    expect(judgeHypothesis({ statement: 's', test: { ...test, op: '>' } }, runs).status).toBe('not supported');
    expect(judgeHypothesis({ statement: 's', test: { ...test, left: { ...test.left, time: 2031 } } }, runs).message).toBe('Cannot test it: 2031 is not a saved time of the run (2025 to 2030).');
    expect(judgeHypothesis({ statement: 's', test: { ...test, left: { ...test.left, scenario: 'X' } } }, runs).message).toBe('Cannot test it: there is no run of the scenario "X".');
    expect(judgeHypothesis({ statement: 's' }, runs).status).toBe('untested');
    expect(checkHypothesis({ statement: ' ' })).toBe('A hypothesis needs a statement.');
    expect(checkHypothesis({ statement: 'x', test: { left: { variable: 'a', time: 1, scenario: 'b' }, op: '!=', right: { value: 1 } } })).toBe('The test compares with <, <=, > or >=.');
  });
});

describe('the register in a project', () => {
  it('judges every hypothesis of the model on the runs its tests name', async () => {
    await h.api.saveHypothesis(snap.projectId, {
      modelId, statement: 'Cutting admissions keeps us under 140 people by 2035',
      test: { left: { variable: 'People', time: 2035, scenario: 'Fewer admissions' }, op: '<', right: { value: 170 } },
    });
    await h.api.saveHypothesis(snap.projectId, {
      modelId, statement: 'Fewer admissions means fewer people in 2030 than the baseline',
      test: { left: { variable: 'People', time: 2030, scenario: 'Fewer admissions' }, op: '<', right: { variable: 'People', time: 2030, scenario: 'Baseline' } },
    });
    await h.api.saveHypothesis(snap.projectId, { modelId, statement: 'Partners will back the change' });
    await h.api.saveHypothesis(snap.projectId, {
      modelId, statement: 'A scenario nobody wrote',
      test: { left: { variable: 'People', time: 2030, scenario: 'Extra care' }, op: '<', right: { value: 1 } },
    });
    const out = await h.api.evaluateHypotheses({ text: MODEL, projectId: snap.projectId, modelId });
    expect(out.ok).toBe(true);
    // 2035 with 6 a year: 100 + 60 = 160 < 170; 2030: 130 vs 150.
    expect(out.verdicts.map((v) => [v.status, v.left, v.right])).toEqual([['supported', 160, 170], ['supported', 130, 150], ['untested', undefined, undefined], ['cannot test', undefined, undefined]]);
    expect(out.verdicts[3]!.message).toBe('Cannot test it: there is no run of the scenario "Extra care".');
    expect(out.runs.map((r) => r.scenario).sort()).toEqual(['Baseline', 'Fewer admissions']);
    // Edit the model (baseline 5 a year: 125 in 2030, against 130): the same register, judged again.
    const faster = await h.api.evaluateHypotheses({ text: MODEL.replace('[people/year] = 10', '[people/year] = 5'), projectId: snap.projectId, modelId });
    expect(faster.verdicts[1]!.status).toBe('not supported');
    expect((await h.api.getProject(snap.projectId)).hypotheses).toHaveLength(4);
  });
});

describe('an example with its register', () => {
  it('opens with its data table, scenarios and hypotheses, and judges them as its documentation says', async () => {
    const example = await h.api.createProjectFromExample('rebalancing');
    expect(example.dataTables.map((t) => [t.name, t.rowCount])).toEqual([['Population projections', 33]]);
    expect(example.scenarios.map((s) => s.name).sort()).toEqual(['More extra care', 'Rebalanced']);
    const model = example.models[0]!;
    const text = (await h.api.getModel(example.projectId, model.id)).text;
    const out = await h.api.evaluateHypotheses({ text, projectId: example.projectId, modelId: model.id });
    expect(out.ok).toBe(true);
    expect(out.verdicts.map((v) => v.status)).toEqual(['supported', 'supported', 'supported', 'not supported', 'not supported', 'untested']);
  });
});
