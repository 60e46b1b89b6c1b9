import type { Diagnostic } from '../../engine/src/index.js';

interface Props {
  readonly diagnostics: readonly Diagnostic[];
  readonly message?: string;
  readonly onJump: (line: number, column: number) => void;
}

/** Errors and warnings of the model, each one click from its place in the text. */
export function ProblemsPanel({ diagnostics, message, onJump }: Props) {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return (
    <div className="problems" data-testid="problems">
      <div className="problems-head">
        {errors > 0 ? <span className="bad">{errors} error{errors === 1 ? '' : 's'}</span> : <span className="good">No errors</span>}
        {diagnostics.length - errors > 0 ? <span className="warn"> · {diagnostics.length - errors} warning{diagnostics.length - errors === 1 ? '' : 's'}</span> : null}
        {message ? <span className="bad"> · {message}</span> : null}
      </div>
      <ul>
        {diagnostics.map((d, i) => (
          <li key={i} className={d.severity} data-testid="diagnostic" onClick={() => onJump(d.line, d.column)}>
            <span className="pos">{d.line}:{d.column}</span> {d.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
