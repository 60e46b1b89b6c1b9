/**
 * A project is one SQLite file (`.cwbproj`): models with every saved version, scenarios, data
 * tables and run results (as little-endian float64 arrays, with the model version and settings that
 * produced them). Every save is one transaction; the file is in WAL mode with full synchronisation,
 * so a process killed mid-save reopens with everything that was committed before it died. Closing
 * checkpoints the WAL back into the file, so a closed project is a single portable file.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  ApiError,
  type DataProblemInfo, type DataTableContents, type DataTableInfo, type HypothesisInfo, type ModelInfo, type ModelText, type ModelVersionInfo, type RunInfo, type RunSettings, type ScenarioInfo,
  type SensitivityRunInfo, type SeriesData, type StoredRun, type StoredSensitivityRun,
} from './api.js';
import { checkHypothesis, type HypothesisTest } from '../engine/src/index.js';
import { APPLICATION_ID, MIGRATIONS, type Migration } from './project-schema.js';

export type Overrides = Readonly<Record<string, number | readonly number[]>>;

export interface RunToSave {
  readonly modelId: number;
  readonly modelVersion: number;
  readonly label: string;
  readonly settings: RunSettings;
  readonly times: ArrayLike<number>;
  readonly series: readonly { readonly name: string; readonly variable: string; readonly kind?: string; readonly units?: string; readonly values: ArrayLike<number> }[];
}

export interface SensitivityRunToSave {
  readonly modelId: number;
  readonly modelVersion: number;
  readonly label: string;
  readonly spec: StoredSensitivityRun['spec'];
  readonly scenario?: StoredSensitivityRun['scenario'];
  readonly elapsedMs: number;
  readonly result: StoredSensitivityRun['result'];
}

export interface DataTableToSave {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | string | null)[])[];
  readonly units?: string;
  readonly source?: string;
  readonly sourceDate?: string;
  readonly notes?: readonly DataProblemInfo[];
}

export type DataTable = DataTableContents;

/** The note an autosave carries: consecutive autosaves replace each other instead of piling up. */
export const AUTOSAVE_NOTE = 'autosave';

const SQLITE_HEADER = 'SQLite format 3\u0000';
const MAX_NAME = 200;
const MAX_TEXT = 32 * 1024 * 1024;
const LITTLE_ENDIAN = endianness() === 'LE';

let sqliteBinding: string | undefined;

/** Uses a better-sqlite3 addon built for another Node ABI (Electron's) instead of the default build. */
export function useSqliteBinding(path: string): void {
  sqliteBinding = path;
}

interface StoredSeries { readonly name: string; readonly variable: string; readonly kind?: SeriesData['kind']; readonly units?: string }

export class ProjectStore {
  private constructor(private readonly db: Database.Database, readonly path: string) {}

  /** Creates a new, empty project file (refuses to overwrite one). */
  static create(path: string, migrations: readonly Migration[] = MIGRATIONS): ProjectStore {
    if (existsSync(path)) throw new ApiError('conflict', `"${basename(path)}" already exists.`);
    return ProjectStore.connect(path, true, migrations);
  }

  /** Opens an existing project, bringing an older schema up to date. */
  static open(path: string, migrations: readonly Migration[] = MIGRATIONS): ProjectStore {
    if (!existsSync(path)) throw new ApiError('not-found', `There is no project file "${basename(path)}".`);
    checkHeader(path);
    return ProjectStore.connect(path, false, migrations);
  }

  private static connect(path: string, creating: boolean, migrations: readonly Migration[]): ProjectStore {
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { fileMustExist: !creating, ...(sqliteBinding ? { nativeBinding: sqliteBinding } : {}) });
      if (creating) db.pragma(`application_id = ${APPLICATION_ID}`);
      else checkIdentity(db, path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db, path, migrations);
      return new ProjectStore(db, path);
    } catch (err) {
      db?.close();
      if (creating) rmSync(path, { force: true });
      throw asProjectError(err, path);
    }
  }

  // --- models -------------------------------------------------------------------------------------

  listModels(): ModelInfo[] {
    return this.db.prepare(`
      SELECT m.id, m.name, m.updated_at AS updatedAt, MAX(v.version) AS version
      FROM model m JOIN model_version v ON v.model_id = m.id
      GROUP BY m.id ORDER BY m.name COLLATE NOCASE`).all() as ModelInfo[];
  }

  getModel(modelId: unknown, version?: unknown): ModelText {
    const id = validId(modelId, 'model');
    const model = this.db.prepare('SELECT id, name, updated_at AS updatedAt FROM model WHERE id = ?').get(id) as Omit<ModelText, 'text' | 'version'> | undefined;
    if (!model) throw new ApiError('not-found', 'That model is no longer in the project.');
    const row = (version === undefined
      ? this.db.prepare('SELECT version, text FROM model_version WHERE model_id = ? ORDER BY version DESC LIMIT 1').get(id)
      : this.db.prepare('SELECT version, text FROM model_version WHERE model_id = ? AND version = ?').get(id, validId(version, 'version'))) as { version: number; text: string } | undefined;
    if (!row) throw new ApiError('not-found', `Model "${model.name}" has no version ${String(version)}.`);
    return { ...model, version: row.version, text: row.text };
  }

  /**
   * Saves a model: a new one when `id` is absent, else a rename and/or a new version when the text
   * changed. An autosave replaces the previous version when that was an autosave no run refers to,
   * so typing does not pile up versions but a run's model version is never rewritten.
   */
  saveModel(model: { readonly id?: unknown; readonly name: unknown; readonly text: unknown; readonly note?: unknown }): ModelInfo {
    const name = validName(model.name, 'model');
    const text = validText(model.text);
    const note = model.note === undefined ? '' : validName(model.note, 'note', true);
    const now = timestamp();
    return this.transaction(() => {
      let id: number;
      if (model.id === undefined || model.id === null) {
        this.assertFreeModelName(name);
        id = Number(this.db.prepare('INSERT INTO model (name, created_at, updated_at) VALUES (?, ?, ?)').run(name, now, now).lastInsertRowid);
        this.db.prepare('INSERT INTO model_version (model_id, version, text, note, saved_at) VALUES (?, 1, ?, ?, ?)').run(id, text, note, now);
      } else {
        id = validId(model.id, 'model');
        const current = this.getModel(id);
        if (current.name !== name) {
          this.assertFreeModelName(name, id);
          this.db.prepare('UPDATE model SET name = ?, updated_at = ? WHERE id = ?').run(name, now, id);
        }
        if (current.text !== text) {
          const last = this.db.prepare('SELECT note FROM model_version WHERE model_id = ? AND version = ?').get(id, current.version) as { note: string };
          const used = this.db.prepare('SELECT 1 FROM run WHERE model_id = ? AND model_version = ? LIMIT 1').get(id, current.version);
          if (note === AUTOSAVE_NOTE && last.note === AUTOSAVE_NOTE && !used) {
            this.db.prepare('UPDATE model_version SET text = ?, saved_at = ? WHERE model_id = ? AND version = ?').run(text, now, id, current.version);
          } else {
            this.db.prepare('INSERT INTO model_version (model_id, version, text, note, saved_at) VALUES (?, ?, ?, ?, ?)').run(id, current.version + 1, text, note, now);
          }
          this.db.prepare('UPDATE model SET updated_at = ? WHERE id = ?').run(now, id);
        }
      }
      const { text: _text, ...info } = this.getModel(id);
      return info;
    });
  }

  listModelVersions(modelId: unknown): ModelVersionInfo[] {
    const id = validId(modelId, 'model');
    this.getModel(id);
    return this.db.prepare('SELECT version, saved_at AS savedAt, note FROM model_version WHERE model_id = ? ORDER BY version').all(id) as ModelVersionInfo[];
  }

  deleteModel(modelId: unknown): void {
    const id = validId(modelId, 'model');
    this.transaction(() => {
      if (this.db.prepare('DELETE FROM model WHERE id = ?').run(id).changes === 0) throw new ApiError('not-found', 'That model is no longer in the project.');
    });
  }

  private assertFreeModelName(name: string, except?: number): void {
    const clash = this.db.prepare('SELECT id FROM model WHERE name = ?').get(name) as { id: number } | undefined;
    if (clash && clash.id !== except) throw new ApiError('conflict', `There is already a model called "${name}" in this project.`);
  }

  // --- scenarios ----------------------------------------------------------------------------------

  listScenarios(modelId?: unknown): ScenarioInfo[] {
    const select = 'SELECT id, model_id AS modelId, name, description, overrides, graphs, data, updated_at AS updatedAt FROM scenario';
    const rows = (modelId === undefined
      ? this.db.prepare(`${select} ORDER BY model_id, name COLLATE NOCASE`).all()
      : this.db.prepare(`${select} WHERE model_id = ? ORDER BY name COLLATE NOCASE`).all(validId(modelId, 'model'))) as (Omit<ScenarioInfo, 'overrides' | 'graphs' | 'data'> & { overrides: string; graphs: string; data: string })[];
    return rows.map((r) => ({ ...r, overrides: JSON.parse(r.overrides) as Overrides, graphs: JSON.parse(r.graphs) as ScenarioInfo['graphs'], data: JSON.parse(r.data) as ScenarioInfo['data'] }));
  }

  getScenario(scenarioId: unknown): ScenarioInfo {
    const id = validId(scenarioId, 'scenario');
    const found = this.listScenarios().find((s) => s.id === id);
    if (!found) throw new ApiError('not-found', 'That scenario is no longer in the project.');
    return found;
  }

  /** Saves a scenario; `graphs`, `data` and `description` are optional so callers that only know `overrides` keep working. */
  saveScenario(scenario: { readonly id?: unknown; readonly modelId: unknown; readonly name: unknown; readonly overrides?: unknown; readonly graphs?: unknown; readonly data?: unknown; readonly description?: unknown }): ScenarioInfo {
    const modelId = validId(scenario.modelId, 'model');
    const name = validName(scenario.name, 'scenario');
    const overrides = JSON.stringify(validOverrides(scenario.overrides ?? {}));
    const graphs = JSON.stringify(validGraphs(scenario.graphs ?? {}));
    const data = JSON.stringify(validDataOverrides(scenario.data ?? {}));
    const description = scenario.description === undefined ? '' : validText(scenario.description).slice(0, 4000);
    const now = timestamp();
    return this.transaction(() => {
      this.getModel(modelId);
      let id: number;
      try {
        if (scenario.id === undefined || scenario.id === null) {
          id = Number(this.db.prepare('INSERT INTO scenario (model_id, name, description, overrides, graphs, data, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(modelId, name, description, overrides, graphs, data, now).lastInsertRowid);
        } else {
          id = validId(scenario.id, 'scenario');
          const changed = this.db.prepare('UPDATE scenario SET model_id = ?, name = ?, description = ?, overrides = ?, graphs = ?, data = ?, updated_at = ? WHERE id = ?').run(modelId, name, description, overrides, graphs, data, now, id).changes;
          if (changed === 0) throw new ApiError('not-found', 'That scenario is no longer in the project.');
        }
      } catch (err) {
        if (isConstraint(err)) throw new ApiError('conflict', `This model already has a scenario called "${name}".`);
        throw err;
      }
      return this.getScenario(id);
    });
  }

  deleteScenario(scenarioId: unknown): void {
    const id = validId(scenarioId, 'scenario');
    if (this.db.prepare('DELETE FROM scenario WHERE id = ?').run(id).changes === 0) throw new ApiError('not-found', 'That scenario is no longer in the project.');
  }

  // --- hypotheses ---------------------------------------------------------------------------------

  listHypotheses(): HypothesisInfo[] {
    const rows = this.db.prepare('SELECT id, model_id AS modelId, statement, test, updated_at AS updatedAt FROM hypothesis ORDER BY model_id, position, id').all() as (Omit<HypothesisInfo, 'test'> & { test: string | null })[];
    return rows.map(({ test, ...r }) => ({ ...r, ...(test ? { test: JSON.parse(test) as HypothesisTest } : {}) }));
  }

  saveHypothesis(hypothesis: { readonly id?: unknown; readonly modelId: unknown; readonly statement: unknown; readonly test?: unknown }): HypothesisInfo {
    const modelId = validId(hypothesis.modelId, 'model');
    const checked = checkHypothesis({ statement: hypothesis.statement, test: hypothesis.test });
    if (typeof checked === 'string') throw new ApiError('bad-request', checked);
    if (checked.statement.length > 2000) throw new ApiError('bad-request', 'A hypothesis can have at most 2,000 characters.');
    const test = checked.test ? JSON.stringify(checked.test) : null;
    const now = timestamp();
    return this.transaction(() => {
      this.getModel(modelId);
      let id: number;
      if (hypothesis.id === undefined || hypothesis.id === null) {
        const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM hypothesis WHERE model_id = ?').get(modelId) as { n: number };
        id = Number(this.db.prepare('INSERT INTO hypothesis (model_id, statement, test, position, updated_at) VALUES (?, ?, ?, ?, ?)').run(modelId, checked.statement, test, n, now).lastInsertRowid);
      } else {
        id = validId(hypothesis.id, 'hypothesis');
        if (this.db.prepare('UPDATE hypothesis SET model_id = ?, statement = ?, test = ?, updated_at = ? WHERE id = ?').run(modelId, checked.statement, test, now, id).changes === 0) {
          throw new ApiError('not-found', 'That hypothesis is no longer in the project.');
        }
      }
      return this.listHypotheses().find((h) => h.id === id)!;
    });
  }

  deleteHypothesis(hypothesisId: unknown): void {
    const id = validId(hypothesisId, 'hypothesis');
    if (this.db.prepare('DELETE FROM hypothesis WHERE id = ?').run(id).changes === 0) throw new ApiError('not-found', 'That hypothesis is no longer in the project.');
  }

  // --- data tables --------------------------------------------------------------------------------

  listDataTables(): DataTableInfo[] {
    const rows = this.db.prepare('SELECT id, name, columns, row_count AS rowCount, units, source, source_date AS sourceDate, notes, imported_at AS importedAt FROM data_table ORDER BY name COLLATE NOCASE').all() as (Omit<DataTableInfo, 'columns' | 'notes'> & { columns: string; notes: string })[];
    return rows.map((r) => ({ ...r, columns: JSON.parse(r.columns) as string[], notes: JSON.parse(r.notes) as DataProblemInfo[] }));
  }

  /** Saves a table under its name, replacing an earlier import of the same name. */
  saveDataTable(table: DataTableToSave): DataTableInfo {
    const name = validName(table.name, 'data table');
    const now = timestamp();
    return this.transaction(() => {
      this.db.prepare('DELETE FROM data_table WHERE name = ?').run(name);
      const id = Number(this.db.prepare('INSERT INTO data_table (name, columns, row_count, body, units, source, source_date, notes, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(name, JSON.stringify(table.columns), table.rows.length, JSON.stringify(table.rows), table.units ?? '', table.source ?? '', table.sourceDate ?? '', JSON.stringify(table.notes ?? []), now).lastInsertRowid);
      return this.listDataTables().find((t) => t.id === id)!;
    });
  }

  /** A table by its name (as models refer to it), case and spacing aside. */
  findDataTable(name: string): DataTable | undefined {
    const row = this.db.prepare('SELECT id FROM data_table WHERE name = ?').get(name.trim()) as { id: number } | undefined;
    return row ? this.getDataTable(row.id) : undefined;
  }

  getDataTable(tableId: unknown): DataTable {
    const id = validId(tableId, 'data table');
    const info = this.listDataTables().find((t) => t.id === id);
    if (!info) throw new ApiError('not-found', 'That data table is no longer in the project.');
    const { body } = this.db.prepare('SELECT body FROM data_table WHERE id = ?').get(id) as { body: string };
    return { ...info, rows: JSON.parse(body) as DataTable['rows'] };
  }

  deleteDataTable(tableId: unknown): void {
    const id = validId(tableId, 'data table');
    if (this.db.prepare('DELETE FROM data_table WHERE id = ?').run(id).changes === 0) throw new ApiError('not-found', 'That data table is no longer in the project.');
  }

  // --- runs ---------------------------------------------------------------------------------------

  listRuns(): RunInfo[] {
    const rows = this.db.prepare(`
      SELECT id, model_id AS modelId, model_version AS modelVersion, label, settings, created_at AS createdAt,
             json_array_length(series) AS variableCount, time_count AS timeCount
      FROM run ORDER BY id`).all() as (Omit<RunInfo, 'settings'> & { settings: string })[];
    return rows.map((r) => ({ ...r, settings: JSON.parse(r.settings) as RunSettings }));
  }

  saveRun(run: RunToSave): RunInfo {
    const label = validName(run.label, 'run label');
    const timeCount = run.times.length;
    for (const s of run.series) {
      if (s.values.length !== timeCount) throw new ApiError('bad-request', `Run series "${s.name}" has ${s.values.length} values for ${timeCount} times.`);
    }
    const values = new Float64Array(timeCount * run.series.length);
    run.series.forEach((s, i) => values.set(s.values, i * timeCount));
    const series: StoredSeries[] = run.series.map((s) => ({ name: s.name, variable: s.variable, ...(s.kind ? { kind: s.kind as SeriesData['kind'] } : {}), ...(s.units ? { units: s.units } : {}) }));
    const now = timestamp();
    return this.transaction(() => {
      const version = this.db.prepare('SELECT 1 FROM model_version WHERE model_id = ? AND version = ?').get(run.modelId, run.modelVersion);
      if (!version) throw new ApiError('not-found', `The run's model version ${run.modelVersion} is not in the project.`);
      const id = Number(this.db.prepare(`
        INSERT INTO run (model_id, model_version, label, settings, created_at, series, time_count, times, "values")
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        run.modelId, run.modelVersion, label, JSON.stringify(run.settings), now, JSON.stringify(series), timeCount,
        float64Blob(Float64Array.from(run.times)), float64Blob(values),
      ).lastInsertRowid);
      return this.listRuns().find((r) => r.id === id)!;
    });
  }

  getRun(runId: unknown): StoredRun {
    const id = validId(runId, 'run');
    const info = this.listRuns().find((r) => r.id === id);
    if (!info) throw new ApiError('not-found', 'That run is no longer in the project.');
    const row = this.db.prepare('SELECT series, times, "values" AS v FROM run WHERE id = ?').get(id) as { series: string; times: Buffer; v: Buffer };
    const times = readFloat64(row.times);
    const values = readFloat64(row.v);
    const n = times.length;
    const series: SeriesData[] = (JSON.parse(row.series) as StoredSeries[]).map((s, i) => ({ ...s, values: Array.from(values.subarray(i * n, (i + 1) * n)) }));
    return { ...info, times: Array.from(times), series };
  }

  deleteRun(runId: unknown): void {
    const id = validId(runId, 'run');
    if (this.db.prepare('DELETE FROM run WHERE id = ?').run(id).changes === 0) throw new ApiError('not-found', 'That run is no longer in the project.');
  }

  // --- sensitivity analyses -----------------------------------------------------------------------

  listSensitivityRuns(): SensitivityRunInfo[] {
    return this.db.prepare(`
      SELECT id, model_id AS modelId, model_version AS modelVersion, label, method, created_at AS createdAt,
             planned_runs AS plannedRuns, completed_runs AS completedRuns, failed_runs AS failedRuns, elapsed_ms AS elapsedMs
      FROM sensitivity_run ORDER BY id`).all() as SensitivityRunInfo[];
  }

  /** Keeps an analysis's results with the spec (and base scenario) that produced them. */
  saveSensitivityRun(run: SensitivityRunToSave): SensitivityRunInfo {
    const label = validName(run.label, 'analysis label');
    const now = timestamp();
    return this.transaction(() => {
      const version = this.db.prepare('SELECT 1 FROM model_version WHERE model_id = ? AND version = ?').get(run.modelId, run.modelVersion);
      if (!version) throw new ApiError('not-found', `The analysis's model version ${run.modelVersion} is not in the project.`);
      const id = Number(this.db.prepare(`
        INSERT INTO sensitivity_run (model_id, model_version, label, method, spec, scenario, created_at, planned_runs, completed_runs, failed_runs, elapsed_ms, result)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        run.modelId, run.modelVersion, label, run.result.method, JSON.stringify(run.spec), run.scenario ? JSON.stringify(run.scenario) : null, now,
        run.result.plannedRuns, run.result.completedRuns, run.result.failedRuns, run.elapsedMs, JSON.stringify(run.result),
      ).lastInsertRowid);
      return this.listSensitivityRuns().find((r) => r.id === id)!;
    });
  }

  getSensitivityRun(runId: unknown): StoredSensitivityRun {
    const id = validId(runId, 'analysis');
    const info = this.listSensitivityRuns().find((r) => r.id === id);
    if (!info) throw new ApiError('not-found', 'That analysis is no longer in the project.');
    const row = this.db.prepare('SELECT spec, scenario, result FROM sensitivity_run WHERE id = ?').get(id) as { spec: string; scenario: string | null; result: string };
    return {
      ...info,
      spec: JSON.parse(row.spec) as StoredSensitivityRun['spec'],
      ...(row.scenario ? { scenario: JSON.parse(row.scenario) as NonNullable<StoredSensitivityRun['scenario']> } : {}),
      result: JSON.parse(row.result) as StoredSensitivityRun['result'],
    };
  }

  deleteSensitivityRun(runId: unknown): void {
    const id = validId(runId, 'analysis');
    if (this.db.prepare('DELETE FROM sensitivity_run WHERE id = ?').run(id).changes === 0) throw new ApiError('not-found', 'That analysis is no longer in the project.');
  }

  // --- the file -----------------------------------------------------------------------------------

  /** Writes a compact single-file copy (Save As); replaces `target` only once the copy is complete. */
  copyTo(target: string): void {
    const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    rmSync(temp, { force: true });
    try {
      this.db.prepare('VACUUM INTO ?').run(temp);
      renameSync(temp, target);
    } catch (err) {
      rmSync(temp, { force: true });
      throw new ApiError('bad-request', `Could not save a copy as "${basename(target)}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  close(): void {
    if (!this.db.open) return;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }

  private transaction<T>(body: () => T): T {
    return this.db.transaction(body).immediate();
  }
}

// --- opening and migrating --------------------------------------------------------------------------

function checkHeader(path: string): void {
  const size = statSync(path).size;
  if (size === 0) throw new ApiError('corrupt-project', `"${basename(path)}" is empty: it is not a Commissioning Workbench project (it may have been cut short while copying).`);
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(16);
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_HEADER) {
    throw new ApiError('corrupt-project', `"${basename(path)}" is not a Commissioning Workbench project: it is not a project database at all (another kind of file, or badly damaged).`);
  }
}

function checkIdentity(db: Database.Database, path: string): void {
  const id = db.pragma('application_id', { simple: true }) as number;
  if (id !== APPLICATION_ID) {
    throw new ApiError('corrupt-project', `"${basename(path)}" is an SQLite database, but not a Commissioning Workbench project (it belongs to another program).`);
  }
  const check = db.pragma('quick_check', { simple: true }) as string;
  if (check !== 'ok') throw new ApiError('corrupt-project', `"${basename(path)}" is damaged (${String(check).slice(0, 200)}). Restore it from a copy.`);
}

function migrate(db: Database.Database, path: string, migrations: readonly Migration[]): void {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new ApiError('corrupt-project', `"${basename(path)}" was saved by a newer version of the workbench (project format ${current}; this version reads up to ${latest}). Update the workbench to open it.`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.apply(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

function asProjectError(err: unknown, path: string): Error {
  if (err instanceof ApiError) return err;
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code === 'SQLITE_CORRUPT_INDEX') {
    return new ApiError('corrupt-project', `"${basename(path)}" is damaged and cannot be opened as a project (${message}). Restore it from a copy.`);
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
    return new ApiError('bad-request', `"${basename(path)}" cannot be opened for writing (${message}).`);
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new ApiError('conflict', `"${basename(path)}" is in use by another program; close it there first.`);
  }
  return err instanceof Error ? err : new Error(message);
}

// --- values crossing the API --------------------------------------------------------------------------

function validId(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new ApiError('bad-request', `A ${what} id must be a positive whole number.`);
  return value;
}

function validName(value: unknown, what: string, allowEmpty = false): string {
  if (typeof value !== 'string') throw new ApiError('bad-request', `A ${what} must be text.`);
  const trimmed = value.trim();
  if (!allowEmpty && trimmed.length === 0) throw new ApiError('bad-request', `A ${what} cannot be empty.`);
  if (trimmed.length > MAX_NAME) throw new ApiError('bad-request', `A ${what} can have at most ${MAX_NAME} characters.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new ApiError('bad-request', `A ${what} cannot contain control characters.`);
  return trimmed;
}

function validText(value: unknown): string {
  if (typeof value !== 'string') throw new ApiError('bad-request', 'The model text must be text.');
  if (value.length > MAX_TEXT) throw new ApiError('bad-request', 'The model text is too large (over 32 MB).');
  return value;
}

export function validOverrides(value: unknown): Overrides {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError('bad-request', 'Scenario overrides must map variable names to numbers.');
  const out: Record<string, number | number[]> = {};
  for (const [name, v] of Object.entries(value)) {
    validName(name, 'variable name');
    const ok = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
    if (ok(v)) out[name] = v;
    else if (Array.isArray(v) && v.length > 0 && v.every(ok)) out[name] = [...v];
    else throw new ApiError('bad-request', `The override of "${name.slice(0, 80)}" must be a finite number or a list of them.`);
  }
  return out;
}

const INTERPOLATIONS = ['continuous', 'extrapolate', 'discrete'];

/** Graph overrides: names to { points: [[x, y], …], interpolation? }. Whether they fit the model is checked when it runs. */
export function validGraphs(value: unknown): ScenarioInfo['graphs'] {
  const out: Record<string, ScenarioInfo['graphs'][string]> = {};
  for (const [name, g] of Object.entries(validMap(value, 'Graph overrides', 'new points'))) {
    validName(name, 'graph name');
    const what = `The new points of "${name.slice(0, 80)}"`;
    if (!isMap(g) || !Array.isArray(g.points) || g.points.length === 0) throw new ApiError('bad-request', `${what} must be a list of [x, y] pairs.`);
    const points = g.points.map((p: unknown) => {
      if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new ApiError('bad-request', `${what} must be pairs of finite numbers.`);
      return [p[0], p[1]] as [number, number];
    });
    if (g.interpolation !== undefined && !INTERPOLATIONS.includes(g.interpolation as string)) throw new ApiError('bad-request', `${what}: interpolation must be ${INTERPOLATIONS.join(', ')}.`);
    out[name] = { points, ...(g.interpolation ? { interpolation: g.interpolation as 'continuous' } : {}) };
  }
  return out;
}

/** Data overrides: graph names to { table, x, y, interpolation? }. */
export function validDataOverrides(value: unknown): ScenarioInfo['data'] {
  const out: Record<string, ScenarioInfo['data'][string]> = {};
  for (const [name, d] of Object.entries(validMap(value, 'Data overrides', 'a data table and its columns'))) {
    validName(name, 'graph name');
    if (!isMap(d)) throw new ApiError('bad-request', `The data override of "${name.slice(0, 80)}" must name a table and its x and y columns.`);
    const table = validName(d.table, 'data table name');
    const x = validName(d.x, 'column name');
    const y = validName(d.y, 'column name');
    if (d.interpolation !== undefined && !INTERPOLATIONS.includes(d.interpolation as string)) throw new ApiError('bad-request', `The data override of "${name.slice(0, 80)}": interpolation must be ${INTERPOLATIONS.join(', ')}.`);
    out[name] = { table, x, y, ...(d.interpolation ? { interpolation: d.interpolation as 'continuous' } : {}) };
  }
  return out;
}

function validMap(value: unknown, what: string, to: string): Record<string, unknown> {
  if (!isMap(value)) throw new ApiError('bad-request', `${what} must map graph names to ${to}.`);
  return value;
}

function isMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isConstraint(err: unknown): boolean {
  return String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_CONSTRAINT');
}

function timestamp(): string {
  return new Date().toISOString();
}

/** Float64 values as bytes, little-endian whatever the machine, so files move between machines. */
function float64Blob(values: Float64Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const buf = Buffer.allocUnsafe(values.length * 8);
  for (let i = 0; i < values.length; i++) buf.writeDoubleLE(values[i]!, i * 8);
  return buf;
}

function readFloat64(blob: Buffer): Float64Array {
  if (LITTLE_ENDIAN) return new Float64Array(Uint8Array.from(blob).buffer);
  const out = new Float64Array(blob.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = blob.readDoubleLE(i * 8);
  return out;
}
