/**
 * The one typed contract between the renderer and the services. The Electron preload and the
 * browser-mode HTTP client both implement `WorkbenchApi`; the dispatcher (`dispatch.ts`) maps each
 * method name to the Node services. Everything crossing it is plain JSON: no paths from the
 * renderer (projects are named inside the workspace folder), no functions, no class instances.
 */
import type { Diagnostic } from '../engine/src/diagnostics.js';
import type {
  DataOverride, GraphOverride, ModelDescription, ScenarioComparison, ScenarioDefinition, ScenarioProblem, SensitivityResult, SensitivitySpec,
  SensitivityTable, SpecProblem, HypothesisTest, HypothesisVerdict,
} from '../engine/src/index.js';

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
  readonly description: string;
  /** Constant or initial-value overrides by variable name (`"Length of stay"`, `"rate[85+]"`). */
  readonly overrides: Readonly<Record<string, number | readonly number[]>>;
  /** New points for graphical functions (`"Admission pressure"`, `"Population projection[85+]"`). */
  readonly graphs: Readonly<Record<string, GraphOverride>>;
  /** Graphical functions whose points come from two columns of one of the project's data tables. */
  readonly data: Readonly<Record<string, DataOverride>>;
  readonly updatedAt: string;
}

/** A scenario as saved: only the name and model are required (older callers send just `overrides`). */
export interface ScenarioToSave {
  readonly id?: number;
  readonly modelId: number;
  readonly name: string;
  readonly description?: string;
  readonly overrides?: Readonly<Record<string, number | readonly number[]>>;
  readonly graphs?: Readonly<Record<string, GraphOverride>>;
  readonly data?: Readonly<Record<string, DataOverride>>;
}

/** A scenario named in a request: one stored in the project (by id), or one defined on the spot. */
export type ScenarioRef = { readonly id: number } | ScenarioDefinition;

/** What forms for scenarios and specs offer; `description` is absent when the model has errors. */
export interface ModelDescriptionOutput {
  readonly diagnostics: readonly Diagnostic[];
  readonly description?: ModelDescription;
}

export interface ScenarioValidationRequest {
  /** The model text as it is now (the editor's). */
  readonly text: string;
  readonly file?: string;
  /** The project whose scenarios and data tables to use. */
  readonly projectId?: string;
  /** Scenarios to check; default: every stored scenario of `modelId`. */
  readonly scenarios?: readonly ScenarioRef[];
  readonly modelId?: number;
}

export interface ScenarioValidation {
  /** False when the model has errors (see diagnostics) or a scenario has problems. */
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly message?: string;
  /** One entry per scenario checked, in order, with its problems (empty when it fits the model). */
  readonly scenarios: readonly { readonly name: string; readonly id?: number; readonly problems: readonly ScenarioProblem[] }[];
}

export interface ScenarioCompareRequest {
  readonly text: string;
  readonly file?: string;
  readonly projectId?: string;
  /** Scenarios to run, in order; a definition without overrides is the model as it is. */
  readonly scenarios: readonly ScenarioRef[];
  /** Name of the scenario the others are compared against (default: the first). */
  readonly base?: string;
  /** Variables to record and compare (default: all). */
  readonly variables?: readonly string[];
  /** Saved times for the difference table (default: every saved time). */
  readonly times?: readonly number[];
  readonly settings?: RunSettings;
  /** Keep each scenario's run in this project (labelled with the scenario's name). */
  readonly store?: { readonly projectId: string; readonly modelId: number };
}

export interface ScenarioCompareOutput {
  /** False when the model has errors, a scenario does not fit the model (see problems) or the settings are unusable. */
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly message?: string;
  readonly problems: readonly ScenarioProblem[];
  readonly timeUnit?: string;
  /** Each scenario's run, for overlaid charts. */
  readonly runs: readonly {
    readonly scenario: string;
    readonly times: readonly number[];
    readonly series: readonly SeriesData[];
    readonly nonFinite?: { readonly variable: string; readonly time: number; readonly message: string };
    readonly run?: RunInfo;
  }[];
  /** The difference table (absolute and % against the base), when every scenario ran. */
  readonly comparison?: ScenarioComparison;
  /** The same table as CSV. */
  readonly csv?: string;
}

export interface SensitivityStartRequest {
  readonly text: string;
  readonly file?: string;
  readonly spec: SensitivitySpec;
  /** Every run starts from this scenario (stored, by id, in `projectId`; or defined here). */
  readonly scenario?: ScenarioRef;
  readonly projectId?: string;
  /** Keep the results, with the spec, in this project, linked to the model's current version. */
  readonly store?: { readonly projectId: string; readonly modelId: number; readonly label?: string };
}

export type SensitivityStartOutput =
  | { readonly ok: true; readonly jobId: string; readonly runsTotal: number; readonly diagnostics: readonly Diagnostic[] }
  | {
      readonly ok: false;
      readonly diagnostics: readonly Diagnostic[];
      /** Problems with the spec; `path` says where (`parameters[1].distribution`). */
      readonly problems: readonly SpecProblem[];
      readonly scenarioProblems: readonly ScenarioProblem[];
      readonly message?: string;
    };

export interface SensitivityProgress {
  readonly jobId: string;
  readonly state: 'running' | 'done' | 'cancelled' | 'failed';
  readonly runsDone: number;
  readonly runsTotal: number;
  readonly failedRuns: number;
  readonly elapsedMs: number;
  readonly runsPerSecond: number;
  /** Estimated time left; null before the first chunk and once finished. */
  readonly etaMs: number | null;
  readonly message?: string;
  /** Set once the results are kept in the project. */
  readonly storedId?: number;
}

export interface SensitivityJobOutput {
  readonly progress: SensitivityProgress;
  readonly spec: SensitivitySpec;
  /** Present once the job is done or cancelled (a cancelled job covers the runs finished). */
  readonly result?: SensitivityResult;
}

export interface SensitivityRunInfo {
  readonly id: number;
  readonly modelId: number;
  readonly modelVersion: number;
  readonly label: string;
  readonly method: SensitivitySpec['method'];
  readonly createdAt: string;
  readonly plannedRuns: number;
  readonly completedRuns: number;
  readonly failedRuns: number;
  readonly elapsedMs: number;
}

export interface StoredSensitivityRun extends SensitivityRunInfo {
  readonly spec: SensitivitySpec;
  readonly scenario?: ScenarioDefinition;
  readonly result: SensitivityResult;
}

/** A sensitivity result to export: a stored one, or a job's (stored or not). */
export type SensitivitySource = { readonly projectId: string; readonly sensitivityRunId: number } | { readonly jobId: string };

export interface HypothesisInfo {
  readonly id: number;
  readonly modelId: number;
  readonly statement: string;
  readonly test?: HypothesisTest;
  readonly updatedAt: string;
}

export interface HypothesisEvaluation {
  /** False when the model has errors or a scenario a test names does not fit the model. */
  readonly ok: boolean;
  readonly message?: string;
  readonly verdicts: readonly (HypothesisVerdict & { readonly id: number })[];
  /** The runs the tests read, for the evidence charts: each scenario's run of the tested variables. */
  readonly runs: ScenarioCompareOutput['runs'];
  readonly timeUnit?: string;
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
  readonly hypotheses: readonly HypothesisInfo[];
  readonly runs: readonly RunInfo[];
  readonly sensitivityRuns: readonly SensitivityRunInfo[];
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

  saveScenario(projectId: string, scenario: ScenarioToSave): Promise<ScenarioInfo>;
  /** Scenarios of one model (default: of every model). */
  listScenarios(projectId: string, modelId?: number): Promise<ScenarioInfo[]>;
  deleteScenario(projectId: string, scenarioId: number): Promise<void>;
  /** The model's parameters (constants and stocks, with their values), outputs, graphs (with their points) and saved times, for pickers. */
  /** `projectId`: where graphs with `data:` find their tables. */
  describeModel(text: string, file?: string, projectId?: string): Promise<ModelDescriptionOutput>;
  /** Checks scenarios against the model text as it is now: names that no longer exist, are no longer constants, or have another number of elements. */
  validateScenarios(request: ScenarioValidationRequest): Promise<ScenarioValidation>;
  /** Runs scenarios (one or many) and compares them: series for overlaid charts and a difference table. */
  compareScenarios(request: ScenarioCompareRequest): Promise<ScenarioCompareOutput>;

  /** Plans and starts a sensitivity analysis in the background; poll its progress with the job id. */
  startSensitivity(request: SensitivityStartRequest): Promise<SensitivityStartOutput>;
  getSensitivityProgress(jobId: string): Promise<SensitivityProgress>;
  cancelSensitivity(jobId: string): Promise<SensitivityProgress>;
  getSensitivityResult(jobId: string): Promise<SensitivityJobOutput>;
  listSensitivityRuns(projectId: string): Promise<SensitivityRunInfo[]>;
  getSensitivityRun(projectId: string, sensitivityRunId: number): Promise<StoredSensitivityRun>;
  deleteSensitivityRun(projectId: string, sensitivityRunId: number): Promise<void>;
  /** One table of a result as CSV (statistics, samples, scatter, correlations, tornado, sweeps). */
  exportSensitivityCsv(source: SensitivitySource, table: SensitivityTable): Promise<ExportOutput>;

  checkModel(text: string, file?: string): Promise<Diagnostic[]>;
  runModel(request: RunRequest): Promise<RunOutput>;
  getRun(projectId: string, runId: number): Promise<StoredRun>;
  deleteRun(projectId: string, runId: number): Promise<void>;
  exportRunCsv(projectId: string, runId: number): Promise<ExportOutput>;

  saveHypothesis(projectId: string, hypothesis: { readonly id?: number; readonly modelId: number; readonly statement: string; readonly test?: HypothesisTest }): Promise<HypothesisInfo>;
  deleteHypothesis(projectId: string, hypothesisId: number): Promise<void>;
  /** Runs the scenarios the model's hypotheses test (with the editor's text) and judges each. */
  evaluateHypotheses(request: { readonly text: string; readonly projectId: string; readonly modelId: number }): Promise<HypothesisEvaluation>;

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
  'saveScenario', 'listScenarios', 'deleteScenario', 'describeModel', 'validateScenarios', 'compareScenarios',
  'startSensitivity', 'getSensitivityProgress', 'cancelSensitivity', 'getSensitivityResult',
  'listSensitivityRuns', 'getSensitivityRun', 'deleteSensitivityRun', 'exportSensitivityCsv',
  'checkModel', 'runModel', 'getRun', 'deleteRun', 'exportRunCsv',
  'saveHypothesis', 'deleteHypothesis', 'evaluateHypotheses',
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
