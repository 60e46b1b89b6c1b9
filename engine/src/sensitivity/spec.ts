import type { Method } from '../language/ast.js';
import { DISTRIBUTION_KINDS, distributionProblem, type Distribution } from './distributions.js';

/**
 * What a sensitivity analysis runs, as plain JSON (stored in projects with its results):
 * - `mc`: Monte Carlo, every parameter drawn from its distribution in every run;
 * - `lhs`: Latin hypercube, each parameter's range cut into `runs` equally likely strata, each
 *   stratum used exactly once, in an order shuffled from the seed;
 * - `oat`: one at a time, each parameter swept through its values with the others at base;
 * - `tornado`: each parameter at its low and its high value with the others at base, ranked by the
 *   swing of one output at one time.
 */
export type SensitivityMethod = 'mc' | 'lhs' | 'oat' | 'tornado';

export const SENSITIVITY_METHODS: readonly SensitivityMethod[] = ['mc', 'lhs', 'oat', 'tornado'];

export interface ParameterTarget {
  /** A constant or a stock (its initial value): `"Length of stay"`, `"admission rate[85+]"`. Without a subscript, an array takes the value in every element. */
  readonly name: string;
  /** Multiply the parameter's base value by the value instead of replacing it (`uniform(0.8, 1.2)` is ±20%). */
  readonly scale?: boolean;
}

export interface SampledParameter extends ParameterTarget {
  readonly distribution: Distribution;
}

export interface SweepRange {
  readonly from: number;
  readonly to: number;
  /** How many values from `from` to `to` inclusive (at least 2)… */
  readonly count?: number;
  /** …or the distance between them (the last value is `to` when it falls on a step). */
  readonly step?: number;
}

export interface SweptParameter extends ParameterTarget {
  /** The values to try, or a `range` that produces them. */
  readonly values?: readonly number[];
  readonly range?: SweepRange;
}

export interface TornadoParameter extends ParameterTarget {
  /** Low and high values, or a distribution whose `tornado.percentiles` give them. */
  readonly low?: number;
  readonly high?: number;
  readonly distribution?: Distribution;
}

export interface RunSettingsSpec {
  readonly method?: Method;
  readonly dt?: number;
  readonly saveEvery?: number;
}

interface SpecCommon {
  /** Variables (or elements) to summarise; an array without subscript gives one output per element. */
  readonly outputs: readonly string[];
  /** Saved times to report statistics at (default: every saved time, for fan charts). */
  readonly times?: readonly number[];
  /** Percentiles to report, 0–100 (default 5, 25, 50, 75, 95). */
  readonly percentiles?: readonly number[];
  /** Seed of the sampling and of the model's random functions (default 1). */
  readonly seed?: number;
  /** Keep the full output series of the first `samples` runs, for spaghetti plots. */
  readonly samples?: number;
  /** Keep every run's parameter values and outputs at these saved times, for scatter plots and correlations. */
  readonly scatterTimes?: readonly number[];
  readonly settings?: RunSettingsSpec;
  /** Runs per chunk (the unit of work and of merging); part of what makes results reproducible. */
  readonly chunkSize?: number;
  /** t-digest compression: higher is more accurate percentiles and more memory (default 100). */
  readonly compression?: number;
}

export interface SampledSpec extends SpecCommon {
  readonly method: 'mc' | 'lhs';
  readonly runs: number;
  readonly parameters: readonly SampledParameter[];
}

export interface SweepSpec extends SpecCommon {
  readonly method: 'oat';
  readonly parameters: readonly SweptParameter[];
}

export interface TornadoSpec extends SpecCommon {
  readonly method: 'tornado';
  readonly parameters: readonly TornadoParameter[];
  readonly tornado: {
    /** The output ranked on: one variable or element. */
    readonly output: string;
    /** The saved time (default: the last). */
    readonly time?: number;
    /** For parameters given as distributions: the percentiles taken as low and high (default 10, 90). */
    readonly percentiles?: readonly [number, number];
  };
}

export type SensitivitySpec = SampledSpec | SweepSpec | TornadoSpec;

export type SpecProblemCode =
  | 'invalid'
  | 'unknown-variable' | 'no-values' | 'dimension-count' | 'unknown-element'
  | 'structural' | 'not-a-parameter' | 'element-count' | 'not-finite'
  | 'duplicate' | 'not-a-saved-time' | 'not-one-value' | 'model';

/** A problem with a spec: `path` says where (`parameters[1].distribution`), `code` what. */
export interface SpecProblem {
  readonly path: string;
  readonly code: SpecProblemCode;
  readonly message: string;
}

export const DEFAULT_PERCENTILES: readonly number[] = [5, 25, 50, 75, 95];
export const DEFAULT_SEED = 1;
export const LIMITS = { runs: 10_000_000, parameters: 500, outputs: 500, samples: 1000, sweepValues: 10_000, chunkSize: 100_000 } as const;

/**
 * Checks the shape and values of a spec that arrived as JSON (from the API, a file or the command
 * line); names are checked against the model later, by `planSensitivity`. Returns every problem.
 */
export function checkSpec(input: unknown): { readonly spec?: SensitivitySpec; readonly problems: readonly SpecProblem[] } {
  const problems: SpecProblem[] = [];
  const bad = (path: string, message: string): void => void problems.push({ path, code: 'invalid', message });
  if (!isObject(input)) return { problems: [{ path: '', code: 'invalid', message: 'A sensitivity spec must be an object.' }] };
  const method = input.method;
  if (!SENSITIVITY_METHODS.includes(method as SensitivityMethod)) bad('method', `The method must be one of ${SENSITIVITY_METHODS.join(', ')}, not ${show(method)}.`);

  const outputs = input.outputs;
  if (!Array.isArray(outputs) || outputs.length === 0 || outputs.some((o) => typeof o !== 'string' || o.trim() === '')) bad('outputs', 'Name at least one output variable.');
  else if (outputs.length > LIMITS.outputs) bad('outputs', `At most ${LIMITS.outputs} outputs.`);

  const numberList = (key: string, ok: (x: number) => boolean, what: string): void => {
    const v = input[key];
    if (v === undefined) return;
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'number' || !ok(x))) bad(key, `${key} must be a list of ${what}.`);
  };
  numberList('times', Number.isFinite, 'numbers');
  numberList('scatterTimes', Number.isFinite, 'numbers');
  numberList('percentiles', (p) => p >= 0 && p <= 100, 'percentiles from 0 to 100');
  integerField(input, 'seed', -2147483648, 4294967295, bad, false);
  integerField(input, 'samples', 0, LIMITS.samples, bad, false);
  integerField(input, 'chunkSize', 1, LIMITS.chunkSize, bad, false);
  integerField(input, 'compression', 20, 1000, bad, false);
  if (input.settings !== undefined) checkSettings(input.settings, bad);

  const parameters = input.parameters;
  if (!Array.isArray(parameters)) {
    bad('parameters', 'parameters must be a list.');
  } else {
    if (parameters.length > LIMITS.parameters) bad('parameters', `At most ${LIMITS.parameters} parameters.`);
    if (parameters.length === 0 && method !== 'mc') bad('parameters', 'Name at least one parameter.');
    parameters.forEach((p, i) => checkParameter(p, `parameters[${i}]`, method, bad));
  }
  if (method === 'mc' || method === 'lhs') integerField(input, 'runs', 1, LIMITS.runs, bad, true);
  else if (input.runs !== undefined) bad('runs', `runs applies to mc and lhs; ${String(method)} makes one run per value.`);
  if (method === 'tornado') {
    const t = input.tornado;
    if (!isObject(t) || typeof t.output !== 'string' || t.output.trim() === '') bad('tornado.output', 'A tornado needs the output to rank on.');
    else {
      if (t.time !== undefined && (typeof t.time !== 'number' || !Number.isFinite(t.time))) bad('tornado.time', 'The tornado time must be a number.');
      const pc = t.percentiles;
      if (pc !== undefined && (!Array.isArray(pc) || pc.length !== 2 || pc.some((x) => typeof x !== 'number' || !(x > 0 && x < 100)) || !(pc[0] < pc[1]))) {
        bad('tornado.percentiles', 'The tornado percentiles must be two numbers between 0 and 100, low first.');
      }
    }
  }
  return problems.length > 0 ? { problems } : { spec: input as unknown as SensitivitySpec, problems };
}

function checkSettings(s: unknown, bad: (path: string, message: string) => void): void {
  if (!isObject(s)) return bad('settings', 'settings must be an object.');
  if (s.method !== undefined && !['euler', 'rk2', 'rk4'].includes(s.method as string)) bad('settings.method', `The integration method must be euler, rk2 or rk4, not ${show(s.method)}.`);
  for (const key of ['dt', 'saveEvery'] as const) {
    const v = s[key];
    if (v !== undefined && (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))) bad(`settings.${key}`, `${key} must be a positive number.`);
  }
}

function checkParameter(p: unknown, path: string, method: unknown, bad: (path: string, message: string) => void): void {
  if (!isObject(p) || typeof p.name !== 'string' || p.name.trim() === '') return bad(`${path}.name`, 'Each parameter needs the name of a constant or stock.');
  if (p.scale !== undefined && typeof p.scale !== 'boolean') bad(`${path}.scale`, 'scale must be true or false.');
  const dist = (d: unknown, where: string): void => {
    if (!isObject(d) || !DISTRIBUTION_KINDS.includes(d.kind as Distribution['kind'])) return bad(where, `"${p.name}" needs a distribution: ${DISTRIBUTION_KINDS.join(', ')}.`);
    const problem = distributionProblem(d as unknown as Distribution);
    if (problem) bad(where, `"${p.name}": ${problem}`);
  };
  if (method === 'mc' || method === 'lhs') dist(p.distribution, `${path}.distribution`);
  if (method === 'oat') {
    if (p.values !== undefined) {
      if (!Array.isArray(p.values) || p.values.length === 0 || p.values.some((x) => typeof x !== 'number' || !Number.isFinite(x))) bad(`${path}.values`, `"${p.name}": values must be a list of numbers.`);
      else if (p.values.length > LIMITS.sweepValues) bad(`${path}.values`, `"${p.name}": at most ${LIMITS.sweepValues} values.`);
    } else if (p.range !== undefined) {
      const problem = rangeProblem(p.range);
      if (problem) bad(`${path}.range`, `"${p.name}": ${problem}`);
    } else bad(path, `"${p.name}" needs values or a range to sweep.`);
  }
  if (method === 'tornado') {
    if (p.distribution !== undefined) dist(p.distribution, `${path}.distribution`);
    else if (typeof p.low !== 'number' || typeof p.high !== 'number' || !Number.isFinite(p.low) || !Number.isFinite(p.high)) bad(path, `"${p.name}" needs a low and a high value, or a distribution.`);
    else if (p.low === p.high) bad(path, `"${p.name}": low and high are the same (${p.low}).`);
  }
}

function rangeProblem(r: unknown): string | undefined {
  if (!isObject(r) || typeof r.from !== 'number' || typeof r.to !== 'number' || !Number.isFinite(r.from) || !Number.isFinite(r.to)) return 'a range needs numbers from and to.';
  if ((r.count === undefined) === (r.step === undefined)) return 'a range needs either count or step.';
  if (r.count !== undefined && (typeof r.count !== 'number' || !Number.isInteger(r.count) || r.count < 2 || r.count > LIMITS.sweepValues)) return `count must be a whole number from 2 to ${LIMITS.sweepValues}.`;
  if (r.step !== undefined) {
    if (typeof r.step !== 'number' || !(r.step > 0) || !Number.isFinite(r.step)) return 'step must be a positive number.';
    if (Math.abs(r.to - r.from) / r.step + 1 > LIMITS.sweepValues) return `the range has more than ${LIMITS.sweepValues} values.`;
  }
  return undefined;
}

/** The values a sweep tries: its list, or its range (from → to, either direction). */
export function sweepValues(p: SweptParameter): number[] {
  if (p.values) return [...p.values];
  const r = p.range!;
  if (r.count !== undefined) return Array.from({ length: r.count }, (_, i) => (i === r.count! - 1 ? r.to : r.from + ((r.to - r.from) * i) / (r.count! - 1)));
  const sign = r.to >= r.from ? 1 : -1;
  const n = Math.floor(Math.abs(r.to - r.from) / r.step! + 1e-9) + 1;
  const values = Array.from({ length: n }, (_, i) => r.from + sign * r.step! * i);
  // Land exactly on `to` when it is a whole number of steps away, despite rounding.
  if (Math.abs(values[n - 1]! - r.to) <= 1e-9 * Math.max(1, Math.abs(r.to))) values[n - 1] = r.to;
  return values;
}

function integerField(o: Record<string, unknown>, key: string, min: number, max: number, bad: (path: string, message: string) => void, required: boolean): void {
  const v = o[key];
  if (v === undefined && !required) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(key, `${key} must be a whole number from ${min.toLocaleString('en-GB')} to ${max.toLocaleString('en-GB')}, not ${show(v)}.`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function show(x: unknown): string {
  return x === undefined ? 'nothing' : JSON.stringify(x)?.slice(0, 60) ?? String(x);
}
