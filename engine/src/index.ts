/**
 * The engine's public API: text → AST → checked model → IR → kernel → runs.
 * Pure TypeScript with no Node or DOM dependencies: it runs in Node, workers and browsers.
 */
export { parseModel, type ParseResult } from './language/parser.js';
export { printModel, printExpr } from './language/print.js';
export type { ModelAst } from './language/ast.js';
export { checkModel, type CheckResult } from './check/checker.js';
export type { CheckedModel, Variable, Dimension, RExpr } from './check/model.js';
export { propertyReads, variableReads } from './check/reads.js';
export { lowerModel } from './ir/lower.js';
export type { ModelIR, VariableLayout } from './ir/ir.js';
export { compileAst, compileModel, compileSource, type CompiledModel, type CompileResult, type CompileOptions, type Backend } from './compile/compile.js';
export { simulate, getSeries, type RunResult, type Series, type SimulateOptions, type NonFiniteError, type OverrideValue } from './sim/simulate.js';
export { ModelInputError, selectVariable, seriesName } from './sim/select.js';
export { formatDiagnostic, sortDiagnostics, type Diagnostic, type DiagnosticCode, type Severity } from './diagnostics.js';
export { builtinNamesForCompletion, BUILTINS } from './check/builtins.js';
export { importXmile, type ImportResult } from './interchange/xmile/import.js';
export { parseXml, XmlError, type XmlElement } from './interchange/xml.js';
export { exportXmile } from './interchange/xmile/export.js';
export { importVensim } from './interchange/vensim/import.js';
export type { DataFile } from './interchange/vensim/datafile.js';
export { parseDelimited, cellNumber, delimiterOf } from './interchange/delimited.js';
export type { SpreadsheetSource, SheetData, CellRange } from './interchange/spreadsheet.js';
export { csvField, runToCsv, type Table } from './interchange/csv.js';
export { bindDataTables, type BindOptions, type BindResult } from './data/bind.js';
export type { DataTableData, DataTableSource } from './data/table.js';
export { runSettings, nonFiniteError } from './sim/simulate.js';
export { resolveOverrideTarget, overrideValues, type OverrideProblem, type OverrideTarget } from './sim/overrides.js';
export { trySelectVariable, type Selection, type SelectionProblem } from './sim/select.js';
// Sensitivity analysis: specs, sampling, chunked runs, streaming statistics, CSV.
export {
  checkSpec, sweepValues, DEFAULT_PERCENTILES, DEFAULT_SEED, SENSITIVITY_METHODS,
  type SensitivitySpec, type SensitivityMethod, type SampledSpec, type SweepSpec, type TornadoSpec, type SampledParameter,
  type SweptParameter, type TornadoParameter, type SweepRange, type ParameterTarget, type RunSettingsSpec, type SpecProblem, type SpecProblemCode,
} from './sensitivity/spec.js';
export { DISTRIBUTION_KINDS, density, distributionProblem, formatDistribution, quantile, summarise, type Distribution, type DistributionKind, type DistributionSummary } from './sensitivity/distributions.js';
export { planSensitivity, runParameters, type SensitivityPlan, type PlannedParameter, type PlannedOutput, type PlanOptions } from './sensitivity/plan.js';
export { runChunk, chunkRuns, type ChunkResult } from './sensitivity/chunk.js';
export { SensitivityAccumulator } from './sensitivity/accumulate.js';
export { runSensitivity, type RunSensitivityOptions, type InProcessProgress } from './sensitivity/run.js';
export type { SensitivityResult, OutputStatistics, SampleRun, ScatterData, Correlation, TornadoResult, TornadoBar, Sweep, ResultParameter, RunFailure } from './sensitivity/results.js';
export { sensitivityCsv, mainTable, availableTables, SENSITIVITY_TABLES, type SensitivityTable } from './sensitivity/csv.js';
export { TDigest, type DigestState } from './sensitivity/tdigest.js';
export { pearson, spearman, ranks } from './sensitivity/correlation.js';
// Scenarios: named overrides of values and graphs, validated against the model, compared.
export type { ScenarioDefinition, GraphOverride, DataOverride, ScenarioProblem, ScenarioProblemCode } from './scenario/types.js';
export { checkScenarioShape, validateScenario, resolveGraphs, type ScenarioModel, type ScenarioOptions, type GraphTarget } from './scenario/validate.js';
export { prepareScenario, applyGraphOverrides, type ScenarioBase, type PreparedScenario } from './scenario/apply.js';
export { runScenarios, type ScenarioRun, type ScenarioRunOptions } from './scenario/run.js';
export { compareRuns, comparisonToCsv, type ScenarioComparison, type ComparisonRow, type ComparisonOptions } from './scenario/compare.js';
export { describeModel, type ModelDescription, type ModelParameter, type ModelOutput, type ModelGraph } from './scenario/describe.js';
export { indicatorsOf, rate, DEFAULT_AMBER, type Indicator, type Rating } from './check/indicators.js';
export { BASELINE_SCENARIO, checkHypothesis, judgeHypothesis, scenariosNeeded, variablesNeeded, type HypothesisComparison, type HypothesisDefinition, type HypothesisOperand, type HypothesisStatus, type HypothesisTest, type HypothesisVerdict, type JudgedRun } from './hypotheses/judge.js';
