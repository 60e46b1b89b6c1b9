/** The project file under Node: round trips, migrations, a process killed mid-save, damaged and foreign files. */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../services/api.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, type Migration } from '../../services/project-schema.js';
import { AUTOSAVE_NOTE, ProjectStore } from '../../services/project-store.js';

const dir = mkdtempSync(join(tmpdir(), 'cwb-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `p${++n}.cwbproj`);

function expectProjectError(fn: () => unknown, code: ApiError['code'], message: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ApiError);
  expect((thrown as ApiError).code).toBe(code);
  expect((thrown as ApiError).message).toMatch(message);
}

describe('round trips', () => {
  it('keeps models with every version, scenarios, data tables and runs exactly', () => {
    const path = fresh();
    const store = ProjectStore.create(path);
    const m = store.saveModel({ name: 'Care homes', text: 'model "A"\n' });
    expect(m).toMatchObject({ name: 'Care homes', version: 1 });
    store.saveModel({ id: m.id, name: 'Care homes', text: 'model "B"\n', note: 'more places' });
    const scenario = store.saveScenario({ modelId: m.id, name: 'More extra care', overrides: { 'Extra care places': 120, 'rate': [0.1, 0.2] } });
    store.saveDataTable({ name: 'Population 65+', columns: ['year', '65-69', '70-74'], rows: [[2025, 1000, 800], [2026, 1010, null]], units: 'people', source: 'ONS 2022-based SNPP' });
    // Values that do not survive a trip through decimal text.
    const values = [0.1 + 0.2, Math.PI, -0, 5e-324, 1.7976931348623157e308, 1 / 3];
    const run = store.saveRun({
      modelId: m.id, modelVersion: 2, label: 'baseline', settings: { method: 'rk4', dt: 0.25 },
      times: [0, 1, 2, 3, 4, 5], series: [{ name: 'x', variable: 'x', units: 'people', values }, { name: 'y[a]', variable: 'y', values: values.map((v) => -v) }],
    });
    store.close();
    // Closed: the write-ahead log is folded back in, so the project is one file.
    expect(existsSync(`${path}-wal`)).toBe(false);

    const again = ProjectStore.open(path);
    expect(again.listModels()).toEqual([{ id: m.id, name: 'Care homes', version: 2, updatedAt: expect.any(String) }]);
    expect(again.getModel(m.id).text).toBe('model "B"\n');
    expect(again.getModel(m.id, 1).text).toBe('model "A"\n');
    expect(again.listModelVersions(m.id).map((v) => [v.version, v.note])).toEqual([[1, ''], [2, 'more places']]);
    expect(again.listScenarios()).toEqual([scenario]);
    const table = again.getDataTable(again.listDataTables()[0]!.id);
    expect(table).toMatchObject({ name: 'Population 65+', columns: ['year', '65-69', '70-74'], rowCount: 2, units: 'people', source: 'ONS 2022-based SNPP' });
    expect(table.rows).toEqual([[2025, 1000, 800], [2026, 1010, null]]);
    expect(again.listRuns()).toEqual([run]);
    expect(run).toMatchObject({ modelVersion: 2, label: 'baseline', settings: { method: 'rk4', dt: 0.25 }, variableCount: 2, timeCount: 6 });
    const stored = again.getRun(run.id);
    expect(stored.times).toEqual([0, 1, 2, 3, 4, 5]);
    expect(stored.series[0]).toEqual({ name: 'x', variable: 'x', units: 'people', values });
    expect(Object.is(stored.series[0]!.values[2], -0)).toBe(true);
    expect(stored.series[1]!.values).toEqual(values.map((v) => -v));
    // Run results are stored as 8-byte floats, not text.
    const db = new Database(path, { readonly: true });
    const blob = db.prepare('SELECT "values" AS v FROM run').get() as { v: Buffer };
    expect(blob.v.length).toBe(2 * 6 * 8);
    db.close();
    again.close();
  });

  it('deletes a model with its scenarios and runs; refuses clashing names and bad values', () => {
    const store = ProjectStore.create(fresh());
    const a = store.saveModel({ name: 'A', text: 'x' });
    store.saveScenario({ modelId: a.id, name: 's', overrides: { k: 1 } });
    store.saveRun({ modelId: a.id, modelVersion: 1, label: 'r', settings: {}, times: [0], series: [{ name: 'k', variable: 'k', values: [1] }] });
    expectProjectError(() => store.saveModel({ name: 'a', text: 'y' }), 'conflict', /already a model called "a"/);
    expectProjectError(() => store.saveScenario({ modelId: a.id, name: 'S', overrides: { k: 2 } }), 'conflict', /already has a scenario called "S"/);
    expectProjectError(() => store.saveScenario({ modelId: a.id, name: 't', overrides: { k: Number.NaN } }), 'bad-request', /finite number/);
    expectProjectError(() => store.saveScenario({ modelId: a.id, name: 't', overrides: [1, 2] }), 'bad-request', /map variable names/);
    expectProjectError(() => store.saveModel({ name: 'x\u0000', text: '' }), 'bad-request', /control characters/);
    expectProjectError(() => store.getModel('1'), 'bad-request', /positive whole number/);
    expectProjectError(() => store.saveRun({ modelId: a.id, modelVersion: 9, label: 'r', settings: {}, times: [0], series: [] }), 'not-found', /version 9/);
    expectProjectError(() => store.saveRun({ modelId: a.id, modelVersion: 1, label: 'r', settings: {}, times: [0, 1], series: [{ name: 'k', variable: 'k', values: [1] }] }), 'bad-request', /1 values for 2 times/);
    store.deleteModel(a.id);
    expect([store.listModels(), store.listScenarios(), store.listRuns()]).toEqual([[], [], []]);
    expectProjectError(() => store.deleteModel(a.id), 'not-found', /no longer in the project/);
    store.close();
  });

  it('lets consecutive autosaves replace each other, but never a version a run was made from', () => {
    const store = ProjectStore.create(fresh());
    const m = store.saveModel({ name: 'M', text: 'a' });
    store.saveModel({ id: m.id, name: 'M', text: 'ab', note: AUTOSAVE_NOTE });
    store.saveModel({ id: m.id, name: 'M', text: 'abc', note: AUTOSAVE_NOTE });
    expect(store.listModelVersions(m.id).map((v) => [v.version, v.note])).toEqual([[1, ''], [2, AUTOSAVE_NOTE]]);
    expect(store.getModel(m.id).text).toBe('abc');
    store.saveRun({ modelId: m.id, modelVersion: 2, label: 'r', settings: {}, times: [0], series: [] });
    store.saveModel({ id: m.id, name: 'M', text: 'abcd', note: AUTOSAVE_NOTE });
    expect(store.getModel(m.id, 2).text).toBe('abc');
    expect(store.getModel(m.id).version).toBe(3);
    // Unchanged text makes no version; a rename alone keeps the version.
    expect(store.saveModel({ id: m.id, name: 'Renamed', text: 'abcd' })).toMatchObject({ name: 'Renamed', version: 3 });
    store.close();
  });

  it('saves a compact copy (Save As) that opens on its own', () => {
    const store = ProjectStore.create(fresh());
    store.saveModel({ name: 'M', text: 'hello' });
    const copy = fresh();
    store.copyTo(copy);
    store.close();
    const opened = ProjectStore.open(copy);
    expect(opened.getModel(opened.listModels()[0]!.id).text).toBe('hello');
    opened.close();
  });
});

describe('schema versions', () => {
  const v2: Migration = { version: 2, description: 'tags', apply: (db) => db.exec('CREATE TABLE tag (id INTEGER PRIMARY KEY, label TEXT NOT NULL); ALTER TABLE model ADD COLUMN colour TEXT') };

  it('creates files at the current schema, marked as ours', () => {
    const path = fresh();
    ProjectStore.create(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('migrates an older file forward, keeping its contents', () => {
    const path = fresh();
    const old = ProjectStore.create(path, MIGRATIONS.slice(0, 1));
    old.saveModel({ name: 'Kept', text: 'model text' });
    old.close();
    const upgraded = ProjectStore.open(path, [...MIGRATIONS.slice(0, 1), v2]);
    expect(upgraded.getModel(upgraded.listModels()[0]!.id).text).toBe('model text');
    upgraded.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'tag'").get()).toEqual({ name: 'tag' });
    db.close();
    // This file is now too new for a workbench that only knows version 1.
    expectProjectError(() => ProjectStore.open(path, MIGRATIONS.slice(0, 1)), 'corrupt-project', /newer version of the workbench \(project format 2; this version reads up to 1\)/);
  });

  it('takes a first-format file through every real migration to today\'s, keeping what it held', () => {
    const path = fresh();
    const old = ProjectStore.create(path, MIGRATIONS.slice(0, 1));
    const m = old.saveModel({ name: 'Kept', text: 'model "Kept"\nconst a = 1\n' });
    old.close();
    const store = ProjectStore.open(path);
    expect(store.getModel(m.id).text).toBe('model "Kept"\nconst a = 1\n');
    expect(store.listModelVersions(m.id)).toHaveLength(1);
    // What later formats added works on the migrated file: scenarios (v2), table dates (v3), hypotheses (v4).
    const scenario = store.saveScenario({ modelId: m.id, name: 'More', overrides: { a: 2 } });
    expect(store.getScenario(scenario.id).overrides).toEqual({ a: 2 });
    store.saveDataTable({ name: 'Dated', columns: ['year', 'x'], rows: [[2025, 1]], sourceDate: '2024-06-01' });
    expect(store.listDataTables().find((t) => t.name === 'Dated')?.sourceDate).toBe('2024-06-01');
    store.saveHypothesis({ modelId: m.id, statement: 'a grows' });
    expect(store.listHypotheses().map((h) => h.statement)).toEqual(['a grows']);
    store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('leaves the file untouched when a migration fails half way', () => {
    const path = fresh();
    ProjectStore.create(path, MIGRATIONS.slice(0, 1)).close();
    const broken: Migration = { version: 2, description: 'fails', apply: (db) => { db.exec('CREATE TABLE half (x)'); throw new Error('disk full'); } };
    expect(() => ProjectStore.open(path, [...MIGRATIONS.slice(0, 1), broken])).toThrow('disk full');
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });
});

describe('damaged and foreign files', () => {
  it('names what is wrong with the file', () => {
    const text = fresh();
    writeFileSync(text, 'model "not a project"\n'.repeat(50));
    expectProjectError(() => ProjectStore.open(text), 'corrupt-project', /not a Commissioning Workbench project: it is not a project database/);

    const empty = fresh();
    writeFileSync(empty, '');
    expectProjectError(() => ProjectStore.open(empty), 'corrupt-project', /is empty/);

    const foreign = fresh();
    const other = new Database(foreign);
    other.exec('CREATE TABLE contacts (name TEXT)');
    other.close();
    expectProjectError(() => ProjectStore.open(foreign), 'corrupt-project', /SQLite database, but not a Commissioning Workbench project/);

    expectProjectError(() => ProjectStore.open(join(dir, 'missing.cwbproj')), 'not-found', /no project file "missing.cwbproj"/);
  });

  it('refuses a project whose pages were damaged or cut short', () => {
    const path = fresh();
    const store = ProjectStore.create(path);
    const m = store.saveModel({ name: 'M', text: 'x'.repeat(20_000) });
    for (let i = 0; i < 20; i++) store.saveRun({ modelId: m.id, modelVersion: 1, label: `r${i}`, settings: {}, times: Array.from({ length: 500 }, (_, t) => t), series: [{ name: 'a', variable: 'a', values: Array.from({ length: 500 }, (_, t) => t * i) }] });
    store.close();
    const size = statSync(path).size;
    const garbled = fresh();
    const bytes = readFileSync(path);
    // Overwrite pages in the middle (not the header), as a bad disk or an interrupted copy would.
    for (let i = 8192; i < Math.min(size - 4096, 8192 + 16384); i++) bytes[i] = (i * 131) & 0xff;
    writeFileSync(garbled, bytes);
    expectProjectError(() => ProjectStore.open(garbled), 'corrupt-project', /damaged/);

    const cut = fresh();
    writeFileSync(cut, readFileSync(path));
    truncateSync(cut, Math.floor(size / 2));
    expectProjectError(() => ProjectStore.open(cut), 'corrupt-project', /damaged/);
  });
});

describe('a process killed in the middle of saving', () => {
  const WRITER = new URL('./fixtures/store-writer.mjs', import.meta.url).pathname;

  /** Runs the writer until it has saved at least `atLeast` more times, then kills it (SIGKILL) mid-write. */
  function writeThenKill(path: string, start: number, atLeast: number): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [WRITER, path, String(start)], { stdio: ['ignore', 'pipe', 'pipe'] });
      const saved: number[] = [];
      let err = '';
      let buffered = '';
      child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
      child.stdout.on('data', (c: Buffer) => {
        buffered += c.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const l of lines) saved.push(Number(l.replace('saved ', '')));
        // Kill at an arbitrary moment after enough saves: usually inside the next transaction.
        if (saved.length === atLeast) setTimeout(() => child.kill('SIGKILL'), (start * 7) % 23);
      });
      child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(saved) : reject(new Error(`writer ended without being killed: ${err}`))));
    });
  }

  it('reopens intact with every committed save, three kills in a row', async () => {
    const path = fresh();
    let confirmed: number[] = [];
    let next = 1;
    for (let round = 0; round < 3; round++) {
      confirmed = [...confirmed, ...(await writeThenKill(path, next, 8 + round * 3))];
      const store = ProjectStore.open(path);
      const model = store.listModels()[0]!;
      const versions = store.listModelVersions(model.id);
      const runs = store.listRuns();
      // Everything the writer reported as saved is there…
      for (const i of confirmed) {
        expect(versions.some((v) => store.getModel(model.id, v.version).text === `v ${i}`)).toBe(true);
        expect(runs.some((r) => r.label === `run ${i}`)).toBe(true);
      }
      // …and every run in the file is whole: all its values, none half-written.
      for (const r of runs) {
        const i = Number(r.label.replace('run ', ''));
        const stored = store.getRun(r.id);
        expect(stored.series).toHaveLength(120);
        expect(stored.series[119]!.values[1999]).toBe(i * 1e6 + 119 * 1e3 + 1999);
        expect(stored.series.every((s, si) => s.values.every((v, t) => v === i * 1e6 + si * 1e3 + t))).toBe(true);
      }
      next = Math.max(...runs.map((r) => Number(r.label.replace('run ', '')))) + 1;
      store.close();
    }
    expect(confirmed.length).toBeGreaterThanOrEqual(8 + 11 + 14);
  }, 120_000);
});
