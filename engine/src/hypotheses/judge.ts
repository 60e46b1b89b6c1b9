/**
 * Hypotheses: the statements a commissioning strategy starts from ("investing in extra care housing
 * will let us buy fewer residential beds"), each optionally tied to a test on model outputs — a
 * value at a time in a scenario compared with another such value or a number. Judged on runs, so
 * the register says on every run which hypotheses the model supports, with the numbers as evidence.
 */

/** `Baseline` is the model as it is; other names are the project's scenarios. */
export const BASELINE_SCENARIO = 'Baseline';

export interface HypothesisOperand {
  /** A variable or element (`People in residential care`, `Spend[council]`). */
  readonly variable: string;
  readonly time: number;
  readonly scenario: string;
}

export type HypothesisComparison = '<' | '<=' | '>' | '>=';

export interface HypothesisTest {
  readonly left: HypothesisOperand;
  readonly op: HypothesisComparison;
  readonly right: HypothesisOperand | { readonly value: number };
}

export interface HypothesisDefinition {
  readonly statement: string;
  readonly test?: HypothesisTest;
}

export type HypothesisStatus = 'supported' | 'not supported' | 'untested' | 'cannot test';

export interface HypothesisVerdict {
  readonly statement: string;
  readonly status: HypothesisStatus;
  readonly left?: number;
  readonly right?: number;
  /** The comparison with its numbers, or why it could not be made. */
  readonly message: string;
}

/** A run as the judge reads it: saved times and series by name. */
export interface JudgedRun {
  readonly times: ArrayLike<number>;
  readonly series: readonly { readonly name: string; readonly values: ArrayLike<number> }[];
}

const key = (name: string): string => name.toLowerCase().replace(/[_\s"]+/g, ' ').replace(/\s*([[\],])\s*/g, '$1').trim();

/** The scenarios a set of hypotheses needs runs of. */
export function scenariosNeeded(hypotheses: readonly HypothesisDefinition[]): string[] {
  const names = new Set<string>();
  for (const h of hypotheses) {
    if (!h.test) continue;
    names.add(h.test.left.scenario);
    if ('scenario' in h.test.right) names.add(h.test.right.scenario);
  }
  return [...names];
}

/** The variables a set of hypotheses reads (for recording only those). */
export function variablesNeeded(hypotheses: readonly HypothesisDefinition[]): string[] {
  const names = new Set<string>();
  for (const h of hypotheses) {
    if (!h.test) continue;
    names.add(h.test.left.variable);
    if ('variable' in h.test.right) names.add(h.test.right.variable);
  }
  return [...names];
}

export function judgeHypothesis(h: HypothesisDefinition, runs: ReadonlyMap<string, JudgedRun>): HypothesisVerdict {
  const { statement, test } = h;
  if (!test) return { statement, status: 'untested', message: 'No test on the model is attached to this hypothesis.' };
  const valueOf = (o: HypothesisOperand): number | string => {
    const run = [...runs].find(([name]) => key(name) === key(o.scenario))?.[1];
    if (!run) return `there is no run of the scenario "${o.scenario}"`;
    const s = run.series.find((x) => key(x.name) === key(o.variable));
    if (!s) return `the model has no variable "${o.variable}"`;
    let at = -1;
    for (let i = 0; i < run.times.length; i++) if (Math.abs(run.times[i]! - o.time) <= 1e-9 * Math.max(1, Math.abs(o.time))) at = i;
    if (at < 0) return `${o.time} is not a saved time of the run${run.times.length ? ` (${run.times[0]} to ${run.times[run.times.length - 1]})` : ''}`;
    return s.values[at]!;
  };
  const left = valueOf(test.left);
  const right = 'value' in test.right ? test.right.value : valueOf(test.right);
  if (typeof left === 'string' || typeof right === 'string') {
    return { statement, status: 'cannot test', message: `Cannot test it: ${typeof left === 'string' ? left : right}.` };
  }
  const holds = test.op === '<' ? left < right : test.op === '<=' ? left <= right : test.op === '>' ? left > right : left >= right;
  const describe = (o: HypothesisOperand | { value: number }, v: number): string => ('value' in o ? format(v) : `${o.variable} in ${o.time} under "${o.scenario}" (${format(v)})`);
  return {
    statement,
    status: holds ? 'supported' : 'not supported',
    left,
    right,
    message: `${describe(test.left, left)} ${holds ? 'is' : 'is not'} ${OP_WORDS[test.op]} ${describe(test.right, right)}.`,
  };
}

const OP_WORDS: Record<HypothesisComparison, string> = { '<': 'less than', '<=': 'at most', '>': 'more than', '>=': 'at least' };

function format(v: number): string {
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-GB') : String(Number(v.toPrecision(4)));
}

/** A hypothesis from JSON (a project file, an example, the UI), or why it is not one. */
export function checkHypothesis(h: unknown): HypothesisDefinition | string {
  if (typeof h !== 'object' || h === null) return 'A hypothesis is an object with a statement.';
  const { statement, test } = h as { statement?: unknown; test?: unknown };
  if (typeof statement !== 'string' || !statement.trim()) return 'A hypothesis needs a statement.';
  if (test === undefined || test === null) return { statement: statement.trim() };
  const operand = (o: unknown): HypothesisOperand | undefined => {
    const x = o as Partial<HypothesisOperand> | undefined;
    return x && typeof x.variable === 'string' && x.variable.trim() && typeof x.time === 'number' && Number.isFinite(x.time) && typeof x.scenario === 'string' && x.scenario.trim()
      ? { variable: x.variable.trim(), time: x.time, scenario: x.scenario.trim() } : undefined;
  };
  const t = test as { left?: unknown; op?: unknown; right?: unknown };
  const left = operand(t.left);
  if (!left) return 'The test compares a variable at a time under a scenario: give all three.';
  if (t.op !== '<' && t.op !== '<=' && t.op !== '>' && t.op !== '>=') return 'The test compares with <, <=, > or >=.';
  const r = t.right as { value?: unknown } | undefined;
  const right = r && typeof r.value === 'number' && Number.isFinite(r.value) ? { value: r.value } : operand(t.right);
  if (!right) return 'The test compares with a number, or a variable at a time under a scenario.';
  return { statement: statement.trim(), test: { left, op: t.op, right } };
}
