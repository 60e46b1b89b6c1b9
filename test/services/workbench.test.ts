/** The workbench services under Node, as the renderer calls them (through the dispatcher). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importXmile, parseModel, printModel } from '../../engine/src/index.js';
import type { ProjectSnapshot, WorkbenchApi } from '../../services/api.js';
import { withinTolerance } from '../../cli/conformance.js';
import { openWorkbench, ROOT, type Harness } from './harness.js';

const SUITE = join(ROOT, '../shared/test-models');

let workspace: string;
let api: WorkbenchApi;
let harness: Harness;

beforeAll(() => {
  harness = openWorkbench('cwb-workbench-');
  ({ workspace, api } = harness);
});
afterAll(() => harness.close());

const DECAY = `model "Decay"

simulation
  start: 0
  stop: 10
  dt: 1
  method: euler

stock "S" [people] = 100
  outflow: "out"

flow "out" [people/year] = "S" * "k"

const "k" [1/year] = 0.5
`;

describe('projects', () => {
  it('lists the examples with their titles', async () => {
    const examples = await api.listExamples();
    expect(examples.map((e) => e.id).sort()).toEqual(['care-homes', 'intermediate-care', 'rebalancing', 'residential-care', 'step-down-beds']);
    expect(examples.find((e) => e.id === 'residential-care')!.title).toBe('Residential care for older people');
  });

  it('creates a project from an example with its model, and opens it again by name', async () => {
    const snap = await api.createProjectFromExample('residential-care');
    expect(snap.name).toBe('Residential care for older people');
    expect(snap.models).toHaveLength(1);
    const again = await api.openProject(snap.name);
    expect(again.projectId).toBe(snap.projectId);
    const text = (await api.getModel(snap.projectId, snap.models[0]!.id)).text;
    expect(text).toBe(readFileSync(join(ROOT, 'resources/models/residential-care.cwm'), 'utf8'));
    // A second copy of the same example gets a new name instead of failing.
    expect((await api.createProjectFromExample('residential-care')).name).toBe('Residential care for older people 2');
    expect((await api.listProjects()).map((p) => p.name)).toContain('Residential care for older people 2');
  });

  it('refuses project names that would leave the workspace, and duplicates', async () => {
    for (const bad of ['../evil', 'a/b', '..', '.hidden', '', 'x'.repeat(81), 'nul\u0000']) {
      await expect(api.createProject(bad)).rejects.toMatchObject({ code: 'bad-request' });
    }
    await api.createProject('Twice');
    await expect(api.createProject('Twice')).rejects.toMatchObject({ code: 'conflict' });
    await expect(api.openProject('Never made')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('reports a damaged project file clearly instead of crashing', async () => {
    writeFileSync(join(workspace, 'Damaged.cwbproj'), 'this is not a database'.repeat(100));
    await expect(api.openProject('Damaged')).rejects.toMatchObject({ code: 'corrupt-project' });
  });
});

describe('models, runs and files', () => {
  let snap: ProjectSnapshot;
  beforeAll(async () => { snap = await api.createProject('Runs'); });

  it('saves versions only when the text changes', async () => {
    const v1 = await api.saveModel(snap.projectId, { name: 'Decay', text: DECAY });
    expect(v1.version).toBe(1);
    expect((await api.saveModel(snap.projectId, { id: v1.id, name: 'Decay', text: DECAY })).version).toBe(1);
    const v2 = await api.saveModel(snap.projectId, { id: v1.id, name: 'Decay', text: DECAY.replace('0.5', '0.25') });
    expect(v2.version).toBe(2);
    expect((await api.listModelVersions(snap.projectId, v1.id)).map((v) => v.version)).toEqual([1, 2]);
    expect((await api.getModel(snap.projectId, v1.id, 1)).text).toBe(DECAY);
    await api.saveModel(snap.projectId, { id: v1.id, name: 'Decay', text: DECAY });
  });

  it('runs a model and keeps the run, linked to the model version, with exact values', async () => {
    const model = (await api.getProject(snap.projectId)).models[0]!;
    const out = await api.runModel({ text: DECAY, settings: { method: 'euler' }, store: { projectId: snap.projectId, modelId: model.id, label: 'base' } });
    expect(out.ok).toBe(true);
    const s = out.series.find((x) => x.name === 'S')!;
    // Euler, dt 1, k 0.5: S halves every year.
    expect(s.values).toEqual(Array.from({ length: 11 }, (_, n) => 100 * 0.5 ** n));
    expect(s.units).toBe('people');
    expect(out.run).toMatchObject({ modelId: model.id, modelVersion: model.version, label: 'base' });
    const stored = await api.getRun(snap.projectId, out.run!.id);
    expect(stored.times).toEqual(out.times);
    expect(stored.series.find((x) => x.name === 'S')!.values).toEqual(s.values);
    expect(stored.settings.method).toBe('euler');
    const csv = await api.exportRunCsv(snap.projectId, out.run!.id);
    expect(csv.fileName).toBe('base.csv');
    expect(csv.content.split('\n')[2]).toBe('1,50,25,0.5');
  });

  it('runs many models at once, each getting its own answer', async () => {
    const ks = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    const outs = await Promise.all(ks.map((k) => api.runModel({ text: DECAY.replace('= 0.5', `= ${k}`) })));
    outs.forEach((o, i) => expect(o.series.find((x) => x.name === 'S')!.values[10]).toBeCloseTo(100 * (1 - ks[i]!) ** 10, 10));
  });

  it('reports model errors and NaN as values, not failures', async () => {
    const broken = await api.runModel({ text: DECAY.replace('"S" * "k"', '"S" * "kk"') });
    expect(broken.ok).toBe(false);
    expect(broken.diagnostics[0]).toMatchObject({ severity: 'error', line: DECAY.split('\n').findIndex((l) => l.startsWith('flow "out"')) + 1, variable: 'out' });
    const nan = await api.runModel({ text: DECAY.replace('"S" * "k"', '"S" * "k" / (TIME - 3)') });
    expect(nan.ok).toBe(true);
    expect(nan.nonFinite).toMatchObject({ variable: 'out', time: 3 });
  });

  it('imports a Stella XMILE model and a Vensim model as our text', async () => {
    const xmile = readFileSync(join(SUITE, 'samples/teacup/teacup.xmile'), 'utf8');
    const imported = await api.importModel({ projectId: snap.projectId, fileName: 'teacup.xmile', content: xmile });
    // Named after the model's own title (<header><name>), else the file.
    expect(imported.model?.name).toBe('Teacup');
    const text = (await api.getModel(snap.projectId, imported.model!.id)).text;
    expect(text).toBe(printModel(importXmile(xmile, 'teacup.xmile').ast));
    const run = await api.runModel({ text });
    const canonical = readFileSync(join(SUITE, 'samples/teacup/output.csv'), 'utf8').trim().split('\n');
    const last = canonical.at(-1)!.split(',').map(Number);
    // The canonical output has six significant digits: compare with the suite's own tolerance.
    const ours = run.series.find((s) => s.name === 'Teacup Temperature')!.values.at(-1)!;
    expect(withinTolerance(ours, last[4]!), `${ours} vs ${last[4]}`).toBe(true);

    const mdl = readFileSync(join(SUITE, 'samples/teacup/teacup.mdl'), 'utf8');
    const fromVensim = await api.importModel({ projectId: snap.projectId, fileName: '../../teacup.mdl', content: mdl });
    expect(fromVensim.model?.name).toBe('teacup 2');
  });

  it('refuses an unreadable file without adding a model', async () => {
    const before = (await api.getProject(snap.projectId)).models.length;
    const out = await api.importModel({ projectId: snap.projectId, fileName: 'bad.stmx', content: '<xmile><model>' });
    expect(out.model).toBeUndefined();
    expect(out.diagnostics[0]).toMatchObject({ severity: 'error', file: 'bad.stmx' });
    expect((await api.getProject(snap.projectId)).models.length).toBe(before);
    await expect(api.importModel({ projectId: snap.projectId, fileName: 'x.exe', content: '' })).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('exports a model as XMILE that imports back to the same model', async () => {
    const model = (await api.getProject(snap.projectId)).models.find((m) => m.name === 'Decay')!;
    const out = await api.exportModel(snap.projectId, model.id, 'stmx');
    expect(out.fileName).toBe('Decay.stmx');
    expect(out.content).toContain('http://docs.oasis-open.org/xmile/ns/XMILE/v1.0');
    expect(printModel(importXmile(out.content, out.fileName).ast)).toBe(printModel(parseModel(DECAY, 'x.cwm').ast));
  });

  it('imports a population table, runs a model that reads it, and exports it to XMILE with its points', async () => {
    const csv = 'AREA,AGE_GROUP,2025,2030,2035\nLeeds,65-74,70000,73000,76000\nLeeds,75-84,40000,44000,48000\nLeeds,85+,14000,16500,19000\n';
    const bad = await api.importDataTable({ projectId: snap.projectId, fileName: 'pop.csv', contentBase64: Buffer.from(csv.replace('16500', 'n/a')).toString('base64') });
    expect(bad.table).toBeUndefined();
    expect(bad.problems.filter((p) => p.severity === 'error')).toEqual([{ severity: 'error', cell: 'D4', message: '"n/a" is not a number, in the numeric column "2030".' }]);
    const good = await api.importDataTable({ projectId: snap.projectId, fileName: 'pop.csv', contentBase64: Buffer.from(csv).toString('base64'), name: 'Population projections', units: 'people', source: 'ONS 2022-based SNPP', sourceDate: '2025-06' });
    expect(good.table).toMatchObject({ name: 'Population projections', columns: ['AREA', 'AGE_GROUP', 'year', 'value'], rowCount: 9, units: 'people', source: 'ONS 2022-based SNPP', sourceDate: '2025-06' });
    expect((await api.getProject(snap.projectId)).dataTables.map((t) => t.name)).toContain('Population projections');
    expect((await api.getDataTable(snap.projectId, good.table!.id)).rows[0]).toEqual(['Leeds', '65-74', 2025, 70000]);

    const text = `model "Demand"\nsimulation\n  start: 2025\n  stop: 2035\n  dt: 1\n  time unit: year\ndimension AgeBand: 65-74, 75-84, 85+\ngraph "Population"[AgeBand] [people] = TIME\n  data: "Population projections"\n  data where: "AREA" = "Leeds"\nconst "Needing care"[AgeBand] = 2%, 5%, 15%\naux "People needing care" [people] = SUM("Population"[*] * "Needing care"[*])\n`;
    const run = await api.runModel({ text, projectId: snap.projectId });
    expect(run.ok).toBe(true);
    // 2027: each band 2/5 of the way to 2030 — 71200, 41600, 15000 — times 2%, 5%, 15%.
    expect(run.series.find((x) => x.name === 'People needing care')!.values[2]).toBeCloseTo(71200 * 0.02 + 41600 * 0.05 + 15000 * 0.15, 9);
    // Scenarios and sensitivity analyses of the model read the same table.
    const compared = await api.compareScenarios({ text, projectId: snap.projectId, scenarios: [{ name: 'baseline' }, { name: 'More need at 85+', overrides: { 'Needing care[85+]': 0.2 } }], variables: ['People needing care'], times: [2030] });
    expect(compared.ok).toBe(true);
    // 2030: the 85+ population is 16500; 5 points more need is 825 more people.
    expect(compared.comparison!.rows[0]!.differences[1]).toBeCloseTo(16500 * 0.05, 9);
    const started = await api.startSensitivity({ text, projectId: snap.projectId, spec: { method: 'oat', outputs: ['People needing care'], times: [2035], parameters: [{ name: 'Needing care[85+]', values: [0.1, 0.3] }] } });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    let job = await api.getSensitivityResult(started.jobId);
    for (let i = 0; i < 200 && job.progress.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = await api.getSensitivityResult(started.jobId);
    }
    // 2035: 76000·2% + 48000·5% + 19000·p for p = 10% and 30%.
    expect(job.result!.sweeps![0]!.outputs[0]!.values).toEqual([76000 * 0.02 + 48000 * 0.05 + 19000 * 0.1, 76000 * 0.02 + 48000 * 0.05 + 19000 * 0.3].map((x) => expect.closeTo(x, 6)));
    // Outside a project there is no table to read: a clear error, not numbers.
    const alone = await api.runModel({ text });
    expect(alone.ok).toBe(false);
    expect(alone.diagnostics[0]!.message).toMatch(/no data tables are available here/);

    const model = await api.saveModel(snap.projectId, { name: 'Demand', text });
    const xmile = await api.exportModel(snap.projectId, model.id, 'xmile');
    const reimported = importXmile(xmile.content, 'demand.xmile');
    const population = reimported.ast.variables.find((v) => v.name.text === 'Population')!;
    expect(population.elementGraphs!.map((g) => g.ys)).toEqual([[70000, 73000, 76000], [40000, 44000, 48000], [14000, 16500, 19000]]);
  });

  it('keeps everything after closing and reopening the project', async () => {
    const before = await api.getProject(snap.projectId);
    await api.closeProject(snap.projectId);
    await expect(api.getProject(snap.projectId)).rejects.toMatchObject({ code: 'not-found' });
    const after = await api.openProject('Runs');
    expect(after.models).toEqual(before.models);
    expect(after.runs).toEqual(before.runs);
  });
});
