/** A position in a source text; line and column are 1-based, offset is 0-based. */
export interface SourcePos {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export interface SourceSpan {
  readonly start: SourcePos;
  readonly end: SourcePos;
}

export type Severity = 'error' | 'warning';

/**
 * A problem found in a model, worded for the person who wrote it.
 * `code` is stable so tools (quick fixes, tests) can key on it without parsing the message.
 */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** Display name of the variable the problem belongs to, when there is one. */
  readonly variable?: string;
}

export type DiagnosticCode =
  | 'syntax'
  | 'unknown-name'
  | 'unknown-function'
  | 'wrong-arguments'
  | 'duplicate-name'
  | 'reserved-name'
  | 'unknown-dimension'
  | 'unknown-element'
  | 'subscript'
  | 'missing-equation'
  | 'bad-stock-flow'
  | 'conveyor'
  | 'algebraic-loop'
  | 'init-loop'
  | 'not-constant'
  | 'sim-spec'
  | 'graph'
  | 'data-table'
  | 'indicator'
  | 'units'
  | 'bad-units'
  | 'internal';

export const NO_SPAN: SourceSpan = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

/** Collects diagnostics for one source file so every stage can report many problems at once. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  constructor(readonly file: string) {}

  error(code: DiagnosticCode, span: SourceSpan, message: string, variable?: string): void {
    this.push('error', code, span, message, variable);
  }

  warning(code: DiagnosticCode, span: SourceSpan, message: string, variable?: string): void {
    this.push('warning', code, span, message, variable);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  private push(severity: Severity, code: DiagnosticCode, span: SourceSpan, message: string, variable?: string): void {
    const d: Diagnostic = {
      severity,
      code,
      message,
      file: this.file,
      line: span.start.line,
      column: span.start.column,
      endLine: span.end.line,
      endColumn: span.end.column,
      ...(variable === undefined ? {} : { variable }),
    };
    this.items.push(d);
  }
}

/** `file:line:column: severity: message`, the form editors and terminals understand. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

export function sortDiagnostics(items: readonly Diagnostic[]): Diagnostic[] {
  return [...items].sort((a, b) => a.line - b.line || a.column - b.column);
}
