/**
 * The engine's public API: text → AST → checked model → IR → kernel → runs.
 * Pure TypeScript with no Node or DOM dependencies: it runs in Node, workers and browsers.
 */
export { parseModel, type ParseResult } from './language/parser.js';
export { printModel, printExpr } from './language/print.js';
export type { ModelAst } from './language/ast.js';
export { checkModel, type CheckResult } from './check/checker.js';
export type { CheckedModel, Variable, Dimension } from './check/model.js';
export { variableReads } from './check/reads.js';
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
