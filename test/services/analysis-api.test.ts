/** Scenarios and sensitivity analyses through the workbench API (the dispatcher the UI uses), and their storage. */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectSnapshot, SensitivityProgress, WorkbenchApi } from '../../services/api.js';
import { MIGRATIONS } from '../../services/project-schema.js';
import { ProjectStore } from '../../services/project-store.js';
import type { Workbench } from '../../services/workbench.js';
import { openWorkbench, ROOT, type Harness } from './harness.js';

const RESIDENTIAL = readFileSync(join(ROOT, 'resources/models/residential-care.cwm'), 'utf8');
const INTERMEDIATE = readFileSync(join(ROOT, 'resources/models/intermediate-care.cwm'), 'utf8');

let workspace: string;
let workbench: Workbench;
let api: WorkbenchApi;
let harness: Harness;

beforeAll(() => {
  harness = openWorkbench('cwb-analysis-');
  ({ workspace, workbench, api } = harness);
});
afterAll(() => harness.close());

async function until(jobId: string): Promise<SensitivityProgress> {
  for (;;) {
    const p = await api.getSensitivityProgress(jobId);
    if (p.state !== 'running') return p;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the project file, version 2', () => {
  it('brings a version 1 project forward: its scenarios gain empty graphs, data and description', () => {
    const path = join(workspace, 'Old.cwbproj');
    const old = ProjectStore.create(path, MIGRATIONS.slice(0, 1));
    const m = old.saveModel({ name: 'M', text: RESIDENTIAL });
    const db = (old as unknown as { db: Database.Database }).db;
    db.prepare('INSERT INTO scenario (model_id, name, overrides, updated_at) VALUES (?, ?, ?, ?)').run(m.id, 'Old one', '{"Places commissioned":1400}', 'then');
    old.close();
    const store = ProjectStore.open(path);
    expect(store.listScenarios()).toEqual([{ id: 1, modelId: m.id, name: 'Old one', description: '', overrides: { 'Places commissioned': 1400 }, graphs: {}, data: {}, updatedAt: 'then' }]);
    expect(store.listSensitivityRuns()).toEqual([]);
    store.close();
  });

  it('keeps rich scenarios and refuses malformed ones', () => {
    const store = ProjectStore.create(join(workspace, 'Rich.cwbproj'));
    const m = store.saveModel({ name: 'M', text: RESIDENTIAL });
    const s = store.saveScenario({ modelId: m.id, name: 'Flat pressure', description: 'No rationing', overrides: { 'Places commissioned': 1400 }, graphs: { 'Admission pressure': { points: [[0, 1], [2, 1]], interpolation: 'discrete' } }, data: { 'x[a]': { table: 'T', x: 'year', y: 'a' } } });
    expect(store.getScenario(s.id)).toMatchObject({ description: 'No rationing', graphs: { 'Admission pressure': { points: [[0, 1], [2, 1]], interpolation: 'discrete' } }, data: { 'x[a]': { table: 'T', x: 'year', y: 'a' } } });
    expect(() => store.saveScenario({ modelId: m.id, name: 'bad', graphs: { g: { points: [[0, Number.NaN]] } } })).toThrow('pairs of finite numbers');
    expect(() => store.saveScenario({ modelId: m.id, name: 'bad', graphs: { g: { points: [] } } })).toThrow('list of [x, y] pairs');
    expect(() => store.saveScenario({ modelId: m.id, name: 'bad', data: { g: { table: 'T' } } })).toThrow('column name must be text');
    store.close();
  });
});

describe('scenarios through the API', () => {
  let snap: ProjectSnapshot;
  let modelId: number;
  beforeAll(async () => {
    snap = await api.createProject('Scenarios');
    modelId = (await api.saveModel(snap.projectId, { name: 'Residential', text: RESIDENTIAL })).id;
  });

  it('saves old-style and rich scenarios and lists them by model', async () => {
    const old = await api.saveScenario(snap.projectId, { modelId, name: 'Higher fees', overrides: { 'Weekly fee per resident': 900 } });
    expect(old).toMatchObject({ name: 'Higher fees', overrides: { 'Weekly fee per resident': 900 }, graphs: {}, data: {}, description: '' });
    await api.saveScenario(snap.projectId, { modelId, name: 'No pressure', graphs: { 'Admission pressure': { points: [[0, 1], [2, 1]] } } });
    expect((await api.listScenarios(snap.projectId, modelId)).map((s) => s.name)).toEqual(['Higher fees', 'No pressure']);
    expect((await api.getProject(snap.projectId)).scenarios).toHaveLength(2);
  });

  it('describes the model for pickers, and reports errors instead of a description', async () => {
    const d = await api.describeModel(RESIDENTIAL);
    expect(d.description!.parameters.find((p) => p.name === 'Places commissioned')).toMatchObject({ values: [1300], units: 'places' });
    expect(d.description!.outputs.length).toBeGreaterThan(d.description!.parameters.length);
    const broken = await api.describeModel('aux a = b');
    expect(broken.description).toBeUndefined();
    expect(broken.diagnostics[0]).toMatchObject({ severity: 'error', code: 'unknown-name' });
  });

  it('flags stored scenarios that no longer fit the edited model text', async () => {
    // An aux computed from constants only is still a parameter (it is computed once), so this still fits.
    const asAux = await api.validateScenarios({ text: RESIDENTIAL.replace('const "Weekly fee per resident"', 'aux "Weekly fee per resident"'), projectId: snap.projectId, modelId });
    expect(asAux.scenarios.map((s) => [s.name, s.problems.map((p) => p.code)])).toEqual([['Higher fees', []], ['No pressure', []]]);
    const really = await api.validateScenarios({ text: RESIDENTIAL.replace('const "Weekly fee per resident" [GBP/(person*week)] = 850', 'aux "Weekly fee per resident" [GBP/(person*week)] = 850 + 0 * TIME'), projectId: snap.projectId, modelId });
    expect(really.ok).toBe(false);
    expect(really.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(really.scenarios[0]!.problems).toEqual([expect.objectContaining({ code: 'not-a-parameter', target: 'Weekly fee per resident' })]);
    expect((await api.validateScenarios({ text: RESIDENTIAL, projectId: snap.projectId, modelId })).ok).toBe(true);
  });

  it('runs and compares stored and ad-hoc scenarios, keeping their runs', async () => {
    const stored = await api.listScenarios(snap.projectId, modelId);
    const out = await api.compareScenarios({
      text: RESIDENTIAL, projectId: snap.projectId, scenarios: [{ name: 'Baseline' }, { id: stored[0]!.id }, { id: stored[1]!.id }],
      variables: ['Spend per year', 'Admissions'], times: [2025, 2035], store: { projectId: snap.projectId, modelId },
    });
    expect(out.ok).toBe(true);
    expect(out.runs.map((r) => [r.scenario, r.series.map((s) => s.name), r.run?.label])).toEqual([
      ['Baseline', ['Spend per year', 'Admissions'], 'Baseline'],
      ['Higher fees', ['Spend per year', 'Admissions'], 'Higher fees'],
      ['No pressure', ['Spend per year', 'Admissions'], 'No pressure'],
    ]);
    const spend2025 = out.comparison!.rows.find((r) => r.variable === 'Spend per year' && r.time === 2025)!;
    expect(spend2025.differences).toEqual([0, 2_990_000, 0]);
    expect(out.comparison!.rows.find((r) => r.variable === 'Admissions' && r.time === 2025)!.values[2]).toBeCloseTo(490, 10);
    expect(out.csv!.split('\n')[0]).toContain('Higher fees minus Baseline');
    expect((await api.getProject(snap.projectId)).runs.map((r) => r.label)).toEqual(['Baseline', 'Higher fees', 'No pressure']);
  });

  it('reports a stale scenario instead of comparing without it', async () => {
    const out = await api.compareScenarios({ text: RESIDENTIAL, scenarios: [{ name: 'a' }, { name: 'b', overrides: { 'Weekly fees': 900 } }] });
    expect(out.ok).toBe(false);
    expect(out.comparison).toBeUndefined();
    expect(out.problems).toEqual([expect.objectContaining({ scenario: 'b', code: 'unknown-variable', message: 'The model has no variable called "Weekly fees".' })]);
  });

  it('takes graph points from a project data table', async () => {
    const path = join(workspace, 'With data.cwbproj');
    const store = ProjectStore.create(path);
    const m = store.saveModel({ name: 'Intermediate', text: INTERMEDIATE });
    store.saveDataTable({ name: 'ONS 2022', columns: ['week', '85+'], rows: [[0, 5200], [104, 7000]] });
    const s = store.saveScenario({ modelId: m.id, name: 'ONS', data: { 'Older population[85+]': { table: 'ons 2022', x: 'week', y: '85+' } } });
    store.close();
    const opened = await workbench.openProjectFile(path);
    const out = await api.compareScenarios({ text: INTERMEDIATE, projectId: opened.projectId, scenarios: [{ name: 'base' }, { id: s.id }], variables: ['Older population[85+]'], times: [104] });
    expect(out.comparison!.rows[0]!.values).toEqual([5900, 7000]);
  });
});

describe('sensitivity through the API', () => {
  let snap: ProjectSnapshot;
  let modelId: number;
  beforeAll(async () => {
    snap = await api.createProject('Sensitivity');
    modelId = (await api.saveModel(snap.projectId, { name: 'Intermediate', text: INTERMEDIATE })).id;
  });
  const spec = {
    method: 'mc' as const, runs: 400, seed: 3, outputs: ['Waiting in hospital'], scatterTimes: [104], samples: 2,
    parameters: [{ name: 'Intermediate care places', distribution: { kind: 'uniform' as const, min: 60, max: 90 } }],
  };

  it('starts a job, reports progress, keeps the results with the spec, exports CSV', async () => {
    const started = await api.startSensitivity({ text: INTERMEDIATE, spec, store: { projectId: snap.projectId, modelId } });
    if (!started.ok) throw new Error(JSON.stringify(started));
    expect(started.runsTotal).toBe(400);
    const done = await until(started.jobId);
    expect(done).toMatchObject({ state: 'done', runsDone: 400, runsTotal: 400, etaMs: null });
    expect(done.storedId).toEqual(expect.any(Number));
    const job = await api.getSensitivityResult(started.jobId);
    expect(job.spec).toEqual(spec);
    expect(job.result!.outputs[0]!.count.at(-1)).toBe(400);
    // More places, fewer people waiting.
    expect(job.result!.correlations[0]!.spearman!).toBeLessThan(-0.5);
    const kept = await api.getSensitivityRun(snap.projectId, done.storedId!);
    expect(kept).toMatchObject({ modelId, modelVersion: 1, method: 'mc', plannedRuns: 400, completedRuns: 400, failedRuns: 0, spec });
    expect(kept.result).toEqual(job.result);
    expect((await api.getProject(snap.projectId)).sensitivityRuns).toHaveLength(1);
    const fromJob = await api.exportSensitivityCsv({ jobId: started.jobId }, 'statistics');
    const fromProject = await api.exportSensitivityCsv({ projectId: snap.projectId, sensitivityRunId: done.storedId! }, 'statistics');
    expect(fromJob.content).toBe(fromProject.content);
    expect(fromJob.fileName).toBe('Intermediate v1, mc statistics.csv');
    expect(fromJob.content.split('\n')[0]).toBe('output,time,count,mean,sd,min,p5,p25,p50,p75,p95,max');
    expect((await api.exportSensitivityCsv({ jobId: started.jobId }, 'scatter')).content.split('\n')).toHaveLength(402);
    await expect(api.exportSensitivityCsv({ jobId: started.jobId }, 'pie' as never)).rejects.toMatchObject({ code: 'bad-request' });
    await api.deleteSensitivityRun(snap.projectId, done.storedId!);
    expect(await api.listSensitivityRuns(snap.projectId)).toEqual([]);
  });

  it('starts from a stored scenario and refuses problems up front', async () => {
    const s = await api.saveScenario(snap.projectId, { modelId, name: 'More places', overrides: { 'Intermediate care places': 86 } });
    const oat = { method: 'oat' as const, outputs: ['Intermediate care places'], times: [0], parameters: [{ name: 'Average length of stay', values: [4, 5] }] };
    const started = await api.startSensitivity({ text: INTERMEDIATE, spec: oat, projectId: snap.projectId, scenario: { id: s.id } });
    if (!started.ok) throw new Error(JSON.stringify(started));
    await until(started.jobId);
    expect((await api.getSensitivityResult(started.jobId)).result!.sweeps![0]!.outputs[0]!.base).toBe(86);
    const bad = await api.startSensitivity({ text: INTERMEDIATE, spec: { ...spec, outputs: ['Nothing'] } });
    expect(bad).toMatchObject({ ok: false, problems: [{ path: 'outputs[0]', code: 'unknown-variable' }] });
    const stale = await api.startSensitivity({ text: INTERMEDIATE, spec, scenario: { name: 'x', overrides: { Nope: 1 } } });
    expect(stale).toMatchObject({ ok: false, scenarioProblems: [{ target: 'Nope', code: 'unknown-variable' }] });
  });

  it('cancels a running job; the partial results stay available but are not stored', async () => {
    const started = await api.startSensitivity({ text: INTERMEDIATE, spec: { ...spec, runs: 500_000 }, store: { projectId: snap.projectId, modelId } });
    if (!started.ok) throw new Error('did not start');
    let p = await api.getSensitivityProgress(started.jobId);
    // Poll as the UI does, with a pause: the calls answer without I/O, so a tight loop would starve the workers' messages.
    while (p.runsDone === 0) {
      await new Promise((r) => setTimeout(r, 10));
      p = await api.getSensitivityProgress(started.jobId);
    }
    expect(p.state).toBe('running');
    const cancelled = await api.cancelSensitivity(started.jobId);
    expect(cancelled.state).toBe('cancelled');
    const job = await api.getSensitivityResult(started.jobId);
    expect(job.result!.complete).toBe(false);
    expect(job.result!.completedRuns).toBe(cancelled.runsDone);
    expect(cancelled.storedId).toBeUndefined();
    expect(await api.listSensitivityRuns(snap.projectId)).toEqual([]);
    await expect(api.getSensitivityProgress('no-such-job')).rejects.toMatchObject({ code: 'not-found' });
  });
});
