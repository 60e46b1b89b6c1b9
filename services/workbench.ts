/**
 * The Node services behind the workbench, as one object implementing the typed API: projects in a
 * workspace folder (each a ProjectStore), runs in worker threads (RunService), import and export
 * through the engine's interchange readers and writers. Electron's main process and the browser-mode
 * server both serve exactly this object through `createDispatcher`.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { bindDataTables, exportXmile, importVensim, importXmile, parseModel, printModel, type Diagnostic, type ModelAst } from '../engine/src/index.js';
import { readDataFile } from './data-tables.js';
import { projectTables, tableSource } from './project-tables.js';
import { readCompanion } from './model-companion.js';
import {
  ApiError,
  type DataImportOutput, type DataImportRequest, type DataTableContents, type ExampleInfo, type ExportFormat, type ExportOutput, type ImportOutput, type ImportRequest, type ModelInfo,
  type ModelText, type ModelVersionInfo, type ProjectFileInfo, type ProjectSnapshot, type RunOutput, type RunRequest,
  type ScenarioInfo, type SeriesData, type StoredRun, type WorkbenchApi,
} from './api.js';
import { runToCsv } from '../engine/src/index.js';
import { ProjectStore } from './project-store.js';
import { RunService } from './run-service.js';
import { hypothesisApi } from './workbench-hypotheses.js';
import { scenarioApi } from './workbench-scenarios.js';
import { sensitivityApi } from './workbench-sensitivity.js';
import { SensitivityService } from './sensitivity-service.js';
import { fileSafe, safeFileName } from './file-names.js';

export interface WorkbenchOptions {
  /** Folder holding the `.cwbproj` files the renderer may open by name. */
  readonly workspaceDir: string;
  /** Folder of example `.cwm` models offered on first run. */
  readonly examplesDir: string;
  readonly runWorkers?: number;
  /** The compiled run-worker.js, when not next to this module (tests running from source). */
  readonly workerUrl?: URL;
}

/** The API plus what only the host process may do (paths chosen in native file dialogs). */
export interface Workbench extends WorkbenchApi {
  openProjectFile(path: string): Promise<ProjectSnapshot>;
  saveProjectAs(projectId: string, path: string): Promise<ProjectSnapshot>;
  dispose(): Promise<void>;
}

export const PROJECT_EXTENSION = '.cwbproj';

export interface OpenProject {
  readonly id: string;
  readonly path: string;
  readonly store: ProjectStore;
}

/** Project names become file names: no separators, no control or reserved characters, no dot files. */
export function validProjectName(name: unknown): string {
  if (typeof name !== 'string') throw new ApiError('bad-request', 'A project name must be text.');
  const trimmed = name.trim().replace(new RegExp(`\\${PROJECT_EXTENSION}$`, 'i'), '');
  if (!/^[^\\/:*?"<>|\u0000-\u001f.][^\\/:*?"<>|\u0000-\u001f]{0,79}$/u.test(trimmed)) {
    throw new ApiError('bad-request', `"${trimmed.slice(0, 80)}" cannot be a project name: use up to 80 letters, digits, spaces or -_() and do not start with a dot.`);
  }
  return trimmed;
}

export function createWorkbench(options: WorkbenchOptions): Workbench {
  const runs = new RunService({
    ...(options.runWorkers !== undefined ? { workers: options.runWorkers } : {}),
    ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
  });
  const sensitivity = new SensitivityService(runs);
  const open = new Map<string, OpenProject>();

  const project = (projectId: unknown): OpenProject => {
    const p = typeof projectId === 'string' ? open.get(projectId) : undefined;
    if (!p) throw new ApiError('not-found', 'That project is not open (it may have been closed): open it again.');
    return p;
  };

  const snapshot = (p: OpenProject): ProjectSnapshot => ({
    projectId: p.id,
    name: basename(p.path, PROJECT_EXTENSION),
    models: p.store.listModels(),
    scenarios: p.store.listScenarios(),
    hypotheses: p.store.listHypotheses(),
    dataTables: p.store.listDataTables(),
    runs: p.store.listRuns(),
    sensitivityRuns: p.store.listSensitivityRuns(),
  });

  const register = (path: string, store: ProjectStore): ProjectSnapshot => {
    const p: OpenProject = { id: randomUUID(), path, store };
    open.set(p.id, p);
    return snapshot(p);
  };

  const openPath = (path: string): ProjectSnapshot => {
    const full = resolve(path);
    for (const p of open.values()) if (p.path === full) return snapshot(p);
    return register(full, ProjectStore.open(full));
  };

  const workspacePath = (name: string): string => {
    mkdirSync(options.workspaceDir, { recursive: true });
    return join(options.workspaceDir, `${validProjectName(name)}${PROJECT_EXTENSION}`);
  };

  const examples = (): (ExampleInfo & { readonly text: string })[] => {
    if (!existsSync(options.examplesDir)) return [];
    return readdirSync(options.examplesDir)
      .filter((f) => f.endsWith('.cwm'))
      .sort()
      .map((f) => {
        const text = readFileSync(join(options.examplesDir, f), 'utf8');
        return { id: basename(f, '.cwm'), ...describeExample(text, f), text };
      });
  };

  const createProject = (name: string): ProjectSnapshot => {
    const path = workspacePath(name);
    if (existsSync(path)) throw new ApiError('conflict', `A project called "${validProjectName(name)}" already exists: open it, or choose another name.`);
    return register(path, ProjectStore.create(path));
  };

  const api: Workbench = {
    async listExamples() {
      return examples().map(({ id, title, summary }) => ({ id, title, summary }));
    },

    async listProjects() {
      if (!existsSync(options.workspaceDir)) return [];
      return readdirSync(options.workspaceDir)
        .filter((f) => f.endsWith(PROJECT_EXTENSION))
        .map((f): ProjectFileInfo => {
          const st = statSync(join(options.workspaceDir, f));
          return { name: basename(f, PROJECT_EXTENSION), modifiedAt: st.mtime.toISOString(), bytes: st.size };
        })
        .sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt));
    },

    async createProject(name) {
      return createProject(name);
    },

    async openProject(name) {
      const path = workspacePath(name);
      if (!existsSync(path)) throw new ApiError('not-found', `There is no project called "${validProjectName(name)}" in the workspace.`);
      return openPath(path);
    },

    async createProjectFromExample(exampleId, name) {
      const example = examples().find((e) => e.id === exampleId);
      if (!example) throw new ApiError('not-found', `There is no example called "${String(exampleId).slice(0, 80)}".`);
      // A title becomes a file name: characters a file name cannot hold are dropped, length kept to 80.
      const title = example.title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' - ').replace(/\s+/g, ' ').replace(/^[\s.-]+/, '').slice(0, 72).trim();
      let projectName = name ?? title;
      if (name === undefined) {
        const taken = new Set((await api.listProjects()).map((p) => p.name.toLowerCase()));
        for (let n = 2; taken.has(projectName.toLowerCase()); n++) projectName = `${title} ${n}`;
      }
      const snap = createProject(projectName);
      const { store } = project(snap.projectId);
      const model = store.saveModel({ name: example.title, text: example.text, note: `From the example ${example.id}.cwm` });
      // The example's companion: its data tables, scenarios and hypotheses, ready to run.
      const companion = readCompanion(join(options.examplesDir, `${example.id}.cwm`));
      for (const t of companion?.dataTables ?? []) {
        const read = readDataFile(t.file, readFileSync(t.file), t.sheet);
        if (!read.table) throw new ApiError('internal', `The example's data table "${t.name}" cannot be read: ${read.problems[0]?.message ?? 'unknown problem'}`);
        store.saveDataTable({ name: t.name, columns: read.table.columns, rows: read.table.rows, units: t.units ?? '', source: t.source ?? basename(t.file), sourceDate: t.sourceDate ?? '', notes: read.problems });
      }
      for (const sc of companion?.scenarios ?? []) store.saveScenario({ modelId: model.id, ...sc });
      for (const h of companion?.hypotheses ?? []) store.saveHypothesis({ modelId: model.id, ...h });
      return snapshot(project(snap.projectId));
    },

    async getProject(projectId) {
      return snapshot(project(projectId));
    },

    async closeProject(projectId) {
      const p = project(projectId);
      p.store.close();
      open.delete(p.id);
    },

    async getModel(projectId, modelId, version): Promise<ModelText> {
      return project(projectId).store.getModel(modelId, version);
    },

    async saveModel(projectId, model): Promise<ModelInfo> {
      return project(projectId).store.saveModel(model);
    },

    async listModelVersions(projectId, modelId): Promise<ModelVersionInfo[]> {
      return project(projectId).store.listModelVersions(modelId);
    },

    async deleteModel(projectId, modelId) {
      project(projectId).store.deleteModel(modelId);
    },

    async saveScenario(projectId, scenario): Promise<ScenarioInfo> {
      return project(projectId).store.saveScenario(scenario);
    },

    async listScenarios(projectId, modelId) {
      return project(projectId).store.listScenarios(modelId);
    },

    async deleteScenario(projectId, scenarioId) {
      project(projectId).store.deleteScenario(scenarioId);
    },

    ...scenarioApi({ runs, project }),
    ...hypothesisApi({ project, compareScenarios: (request) => api.compareScenarios(request) }),
    ...sensitivityApi({ sensitivity, project, openProject: (projectId) => open.get(projectId)?.store }),

    async checkModel(text, file = 'model.cwm') {
      if (typeof text !== 'string') throw new ApiError('bad-request', 'The model text must be text.');
      return [...(await runs.check(text, safeFileName(file)))];
    },

    async runModel(request: RunRequest): Promise<RunOutput> {
      if (!request || typeof request.text !== 'string') throw new ApiError('bad-request', 'A run needs the model text.');
      const target = request.store ? project(request.store.projectId) : undefined;
      const dataFrom = target ?? (request.projectId !== undefined ? project(request.projectId) : undefined);
      const tables = dataFrom ? projectTables(dataFrom.store, request.text) : undefined;
      const started = performance.now();
      const result = await runs.run({
        text: request.text,
        file: safeFileName(request.file ?? 'model.cwm'),
        settings: request.settings ?? {},
        ...(request.overrides ? { overrides: request.overrides } : {}),
        ...(request.variables ? { variables: request.variables } : {}),
        ...(tables ? { tables } : {}),
      });
      const elapsedMs = performance.now() - started;
      let run;
      if (target && request.store && result.ok) {
        const model = target.store.getModel(request.store.modelId);
        run = target.store.saveRun({
          modelId: model.id,
          modelVersion: model.version,
          label: request.store.label ?? `${model.name} v${model.version}`,
          settings: { method: result.method, dt: result.dt, ...(request.settings ?? {}) },
          times: result.times,
          series: result.series,
        });
      }
      return {
        ok: result.ok,
        diagnostics: result.diagnostics,
        ...(result.message ? { message: result.message } : {}),
        ...(result.method ? { method: result.method } : {}),
        ...(result.dt !== undefined ? { dt: result.dt } : {}),
        ...(result.timeUnit ? { timeUnit: result.timeUnit } : {}),
        times: Array.from(result.times),
        series: result.series.map((s) => ({ name: s.name, variable: s.variable, ...(s.kind ? { kind: s.kind as SeriesData['kind'] } : {}), ...(s.units ? { units: s.units } : {}), values: Array.from(s.values) })),
        ...(result.nonFinite ? { nonFinite: result.nonFinite } : {}),
        ...(run ? { run } : {}),
        elapsedMs,
      };
    },

    async getRun(projectId, runId): Promise<StoredRun> {
      return project(projectId).store.getRun(runId);
    },

    async deleteRun(projectId, runId) {
      project(projectId).store.deleteRun(runId);
    },

    async exportRunCsv(projectId, runId): Promise<ExportOutput> {
      const run = project(projectId).store.getRun(runId);
      return { fileName: `${fileSafe(run.label)}.csv`, content: runToCsv(run) };
    },

    async importDataTable(request: DataImportRequest): Promise<DataImportOutput> {
      const p = project(request?.projectId);
      if (typeof request.fileName !== 'string' || typeof request.contentBase64 !== 'string') throw new ApiError('bad-request', 'A data import needs a file name and its contents.');
      const file = safeFileName(request.fileName);
      const read = readDataFile(file, Buffer.from(request.contentBase64, 'base64'), typeof request.sheet === 'string' ? request.sheet : undefined);
      const sheets = read.sheets ? { sheets: read.sheets } : {};
      if (!read.table) return { problems: read.problems, ...sheets };
      const text = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 400) : '');
      const table = p.store.saveDataTable({
        name: text(request.name) || basename(file, extname(file)),
        columns: read.table.columns,
        rows: read.table.rows,
        units: text(request.units),
        source: text(request.source) || file,
        sourceDate: text(request.sourceDate),
        notes: [...(read.table.layout === 'wide-by-year' ? [{ severity: 'warning' as const, message: 'Years were column headers: they are read as a "year" column and a "value" column.' }] : []), ...read.problems],
      });
      return { table, problems: read.problems, ...sheets };
    },

    async getDataTable(projectId, tableId): Promise<DataTableContents> {
      return project(projectId).store.getDataTable(tableId);
    },

    async deleteDataTable(projectId, tableId) {
      project(projectId).store.deleteDataTable(tableId);
    },

    async importModel(request: ImportRequest): Promise<ImportOutput> {
      const p = project(request?.projectId);
      if (typeof request.fileName !== 'string' || typeof request.content !== 'string') throw new ApiError('bad-request', 'An import needs a file name and its contents.');
      const file = safeFileName(request.fileName);
      const read = readModelText(file, request.content);
      // A file we could not read at all is refused; a model with errors is kept so the user can fix it.
      if (read.ast.variables.length === 0 && read.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: read.diagnostics };
      const text = extname(file).toLowerCase() === '.cwm' ? request.content : printModel(read.ast);
      const base = read.ast.title?.trim() || basename(file, extname(file));
      const taken = new Set(p.store.listModels().map((m) => m.name.toLowerCase()));
      let name = base;
      for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base} ${n}`;
      const model = p.store.saveModel({ name, text, note: `Imported from ${file}` });
      return { model, diagnostics: read.diagnostics };
    },

    async exportModel(projectId, modelId, format: ExportFormat): Promise<ExportOutput> {
      const model = project(projectId).store.getModel(modelId);
      const name = fileSafe(model.name);
      if (format === 'cwm') return { fileName: `${name}.cwm`, content: model.text };
      if (format !== 'xmile' && format !== 'stmx' && format !== 'itmx') throw new ApiError('bad-request', `Cannot export to "${String(format)}": choose cwm, xmile, stmx or itmx.`);
      const parsed = parseModel(model.text, `${name}.cwm`);
      const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) throw new ApiError('bad-request', `Fix the model's errors before exporting it (line ${errors[0]!.line}: ${errors[0]!.message}).`);
      // XMILE has no data tables: graphs that read one are written with the table's points.
      const bound = bindDataTables(parsed.ast, tableSource(projectTables(project(projectId).store, model.text)));
      const unbound = bound.diagnostics.find((d) => d.severity === 'error');
      if (unbound) throw new ApiError('bad-request', `Cannot export: line ${unbound.line}: ${unbound.message}`);
      return { fileName: `${name}.${format}`, content: exportXmile(bound.ast) };
    },

    async openProjectFile(path) {
      return openPath(path);
    },

    async saveProjectAs(projectId, path) {
      const p = project(projectId);
      const target = resolve(path);
      p.store.copyTo(target);
      return openPath(target);
    },

    async dispose() {
      for (const p of open.values()) p.store.close();
      open.clear();
      sensitivity.close();
      await runs.close();
    },
  };
  return api;
}

function readModelText(file: string, content: string): { readonly ast: ModelAst; readonly diagnostics: readonly Diagnostic[] } {
  switch (extname(file).toLowerCase()) {
    case '.cwm':
      return parseModel(content, file);
    case '.xmile': case '.stmx': case '.itmx': case '.xml':
      return importXmile(content, file);
    case '.mdl':
      return importVensim(content, file);
    default:
      throw new ApiError('bad-request', `Cannot import "${file}": choose a .cwm, .xmile, .stmx, .itmx or .mdl file.`);
  }
}

/** Title and a one-paragraph summary from an example's `model "…"` line and doc or header comment. */
export function describeExample(text: string, file: string): { readonly title: string; readonly summary: string } {
  const title = /^model\s+"([^"]+)"/m.exec(text)?.[1] ?? basename(file, '.cwm');
  // The header comment: the first block of # lines, up to the first line that is not one.
  const lines = text.split('\n');
  const header: string[] = [];
  for (const l of lines) {
    if (!l.startsWith('#')) break;
    header.push(l.replace(/^#\s?/, ''));
  }
  const comment = header.join(' ').replace(/\s+/g, ' ').trim();
  return { title, summary: comment.slice(0, 400) };
}
