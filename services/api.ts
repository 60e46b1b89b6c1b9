/**
 * The one typed contract between the renderer and the services. The Electron preload and the
 * browser-mode HTTP client both implement `WorkbenchApi`; the dispatcher (`dispatch.ts`) maps each
 * method name to the Node services. Everything crossing it is plain JSON: no paths from the
 * renderer (projects are named inside the workspace folder), no functions, no class instances.
 */
import type { Diagnostic } from '../engine/src/diagnostics.js';

export type Method = 'euler' | 'rk2' | 'rk4';

export interface ExampleInfo {
  readonly id: string;
  readonly title: string;
  /** First lines of the model's documentation: what question it answers. */
  readonly summary: string;
}

export interface ProjectFileInfo {
  /** File name inside the workspace folder, e.g. `Care homes.cwbproj`. */
  readonly name: string;
  readonly modifiedAt: string;
  readonly bytes: number;
}

export interface ModelInfo {
  readonly id: number;
  readonly name: string;
  readonly version: number;
  readonly updatedAt: string;
}

export interface ModelVersionInfo {
  readonly version: number;
  readonly savedAt: string;
  readonly note: string;
}

export interface ModelText extends ModelInfo {
  readonly text: string;
}

export interface ScenarioInfo {
  readonly id: number;
  readonly modelId: number;
  readonly name: string;
  /** Constant or initial-value overrides by variable name (`"Length of stay"`, `"rate[85+]"`). */
  readonly overrides: Readonly<Record<string, number | readonly number[]>>;
  readonly updatedAt: string;
}

export interface DataTableInfo {
  readonly id: number;
  readonly name: string;
  readonly columns: readonly string[];
  readonly rowCount: number;
  readonly units: string;
  /** Where the figures come from ("ONS 2022-based subnational population projections"). */
  readonly source: string;
  /** When the source was published or extracted, as the user wrote it. */
  readonly sourceDate: string;
  /** Warnings of the import (cells left empty, years missing), by cell. */
  readonly notes: readonly DataProblemInfo[];
  readonly importedAt: string;
}

export interface DataProblemInfo {
  readonly severity: 'error' | 'warning';
  readonly cell?: string;
  readonly message: string;
}

export interface DataTableContents extends DataTableInfo {
  readonly rows: readonly (readonly (number | string | null)[])[];
}

export interface DataImportRequest {
  readonly projectId: string;
  readonly fileName: string;
  /** The file's bytes, base64-encoded (Excel workbooks are binary). */
  readonly contentBase64: string;
  /** The table's name in models (default: the file name without its extension). */
  readonly name?: string;
  readonly sheet?: string;
  readonly units?: string;
  readonly source?: string;
  readonly sourceDate?: string;
}

export interface DataImportOutput {
  /** Absent when the file has errors (see problems): nothing was imported. */
  readonly table?: DataTableInfo;
  readonly problems: readonly DataProblemInfo[];
  /** The sheets of a workbook, to choose another. */
  readonly sheets?: readonly string[];
}

export interface RunSettings {
  readonly method?: Method;
  readonly dt?: number;
  readonly saveEvery?: number;
  readonly seed?: number;
}

export interface RunInfo {
  readonly id: number;
  readonly modelId: number;
  readonly modelVersion: number;
  readonly label: string;
  readonly settings: RunSettings;
  readonly createdAt: string;
  readonly variableCount: number;
  readonly timeCount: number;
}

export interface ProjectSnapshot {
  /** Opaque handle for later calls; valid until the project is closed. */
  readonly projectId: string;
  readonly name: string;
  readonly models: readonly ModelInfo[];
  readonly scenarios: readonly ScenarioInfo[];
  readonly dataTables: readonly DataTableInfo[];
  readonly runs: readonly RunInfo[];
}

export interface SeriesData {
  /** `name` or `name[element,…]`. */
  readonly name: string;
  readonly variable: string;
  readonly kind?: 'stock' | 'flow' | 'aux' | 'const' | 'graph';
  readonly units?: string;
  readonly values: readonly number[];
}

export interface RunRequest {
  readonly text: string;
  /** File name used in diagnostics (`model.cwm`). */
  readonly file?: string;
  readonly settings?: RunSettings;
  readonly overrides?: Readonly<Record<string, number | readonly number[]>>;
  /** Record only these variables (default: all). */
  readonly variables?: readonly string[];
  /** Data tables (graphs with `data:`) come from this project; implied by `store`. */
  readonly projectId?: string;
  /** Store the results in this project, linked to this model's current version. */
  readonly store?: { readonly projectId: string; readonly modelId: number; readonly label?: string };
}

export interface RunOutput {
  /** False when the model has errors (see diagnostics) or the settings are unusable (see message). */
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly message?: string;
  readonly method?: Method;
  readonly dt?: number;
  readonly timeUnit?: string;
  readonly times: readonly number[];
  readonly series: readonly SeriesData[];
  /** NaN/Inf: where it first appeared; times and series end at the last good save. */
  readonly nonFinite?: { readonly variable: string; readonly time: number; readonly message: string };
  /** Set when the run was stored in a project. */
  readonly run?: RunInfo;
  readonly elapsedMs: number;
}

export interface StoredRun extends RunInfo {
  readonly times: readonly number[];
  readonly series: readonly SeriesData[];
}

export type ImportFormat = 'cwm' | 'xmile' | 'stmx' | 'itmx' | 'mdl';
export type ExportFormat = 'cwm' | 'xmile' | 'stmx' | 'itmx';

export interface ImportRequest {
  readonly projectId: string;
  /** The original file name (its extension picks the reader). */
  readonly fileName: string;
  readonly content: string;
}

export interface ImportOutput {
  readonly model?: ModelInfo;
  readonly diagnostics: readonly Diagnostic[];
}

export interface ExportOutput {
  readonly fileName: string;
  readonly content: string;
}

/** Every call the renderer can make. All results are JSON values. */
export interface WorkbenchApi {
  listExamples(): Promise<ExampleInfo[]>;
  listProjects(): Promise<ProjectFileInfo[]>;
  createProject(name: string): Promise<ProjectSnapshot>;
  /** Opens a project in the workspace; `exampleId` seeds a new project with an example model. */
  openProject(name: string): Promise<ProjectSnapshot>;
  createProjectFromExample(exampleId: string, name?: string): Promise<ProjectSnapshot>;
  getProject(projectId: string): Promise<ProjectSnapshot>;
  closeProject(projectId: string): Promise<void>;

  getModel(projectId: string, modelId: number, version?: number): Promise<ModelText>;
  /** Saves a new version when the text changed (autosave and explicit saves alike). */
  saveModel(projectId: string, model: { readonly id?: number; readonly name: string; readonly text: string; readonly note?: string }): Promise<ModelInfo>;
  listModelVersions(projectId: string, modelId: number): Promise<ModelVersionInfo[]>;
  deleteModel(projectId: string, modelId: number): Promise<void>;

  saveScenario(projectId: string, scenario: { readonly id?: number; readonly modelId: number; readonly name: string; readonly overrides: Readonly<Record<string, number | readonly number[]>> }): Promise<ScenarioInfo>;
  deleteScenario(projectId: string, scenarioId: number): Promise<void>;

  checkModel(text: string, file?: string): Promise<Diagnostic[]>;
  runModel(request: RunRequest): Promise<RunOutput>;
  getRun(projectId: string, runId: number): Promise<StoredRun>;
  deleteRun(projectId: string, runId: number): Promise<void>;
  exportRunCsv(projectId: string, runId: number): Promise<ExportOutput>;

  importDataTable(request: DataImportRequest): Promise<DataImportOutput>;
  getDataTable(projectId: string, tableId: number): Promise<DataTableContents>;
  deleteDataTable(projectId: string, tableId: number): Promise<void>;

  importModel(request: ImportRequest): Promise<ImportOutput>;
  exportModel(projectId: string, modelId: number, format: ExportFormat): Promise<ExportOutput>;
}

export type ApiMethod = keyof WorkbenchApi;

/** The method names, for dispatchers that must refuse anything else. */
export const API_METHODS: readonly ApiMethod[] = [
  'listExamples', 'listProjects', 'createProject', 'openProject', 'createProjectFromExample', 'getProject', 'closeProject',
  'getModel', 'saveModel', 'listModelVersions', 'deleteModel',
  'saveScenario', 'deleteScenario',
  'checkModel', 'runModel', 'getRun', 'deleteRun', 'exportRunCsv',
  'importDataTable', 'getDataTable', 'deleteDataTable',
  'importModel', 'exportModel',
];

/** An error the services report to the caller: a stable code and a message for the user. */
export interface ApiErrorBody {
  readonly code: 'bad-request' | 'not-found' | 'corrupt-project' | 'conflict' | 'internal';
  readonly message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly code: ApiErrorBody['code'], message: string) {
    super(message);
  }
}

/** Commands the desktop menu sends to the renderer (some carry what a file dialog returned). */
export type MenuCommand =
  | { readonly command: 'new-project' | 'save' | 'save-as' | 'import' | 'export' | 'run' }
  | { readonly command: 'project-opened'; readonly snapshot: ProjectSnapshot };

export interface PickedFile {
  readonly fileName: string;
  /** The text, or base64 of the bytes when asked for. */
  readonly content: string;
}

/**
 * What the renderer gets from its host: in Electron the preload's `window.cwb` (contextBridge),
 * in the browser an HTTP client. Narrow on purpose: one `call` into the typed API, and file
 * dialogs that hand back or take contents, never paths.
 */
export interface WorkbenchBridge {
  readonly host: 'electron' | 'browser';
  call(method: ApiMethod, args: readonly unknown[]): Promise<unknown>;
  /** Asks the user for a file to read (import); undefined when cancelled. `base64` for binary files (workbooks). */
  openFile(accept: readonly string[], encoding?: 'text' | 'base64'): Promise<PickedFile | undefined>;
  /** Asks the user where to save these contents (export); false when cancelled. */
  saveFile(suggestedName: string, content: string): Promise<boolean>;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}
