import type { Method } from '../language/ast.js';
import type { ModelIR } from '../ir/ir.js';
import { integrate, type IntegrationSettings, type NonFiniteValue } from './integrate.js';
import type { Kernel } from './kernel.js';
import { addRecorded, runPlan, type Recorded } from './plan.js';
import { overrideArray, type OverrideValue } from './overrides.js';
import { ModelInputError, selectVariable, seriesName } from './select.js';

/** A compiled model: reusable for any number of runs (scenarios, sensitivity sweeps). */
export interface Simulatable {
  readonly ir: ModelIR;
  readonly kernel: Kernel;
}

export type { OverrideValue };

export interface SimulateOptions {
  /** Parameter values by name (`"Length of stay"`, `"admission rate[85+]"`); an array sets every element. */
  readonly overrides?: Readonly<Record<string, OverrideValue>> | ReadonlyMap<string, OverrideValue>;
  readonly method?: Method;
  readonly dt?: number;
  readonly saveEvery?: number;
  readonly seed?: number;
  /** Record only these variables or elements (default: every variable). */
  readonly vars?: readonly string[];
}

export interface Series {
  /** `name` or `name[element,…]`. */
  readonly name: string;
  readonly variable: string;
  readonly units?: string;
  readonly values: Float64Array;
}

export interface NonFiniteError {
  readonly kind: 'non-finite';
  /** The model variable (or array element) where the value first appeared. */
  readonly variable: string;
  readonly time: number;
  readonly value: number;
  readonly message: string;
}

export interface RunResult {
  readonly times: Float64Array;
  readonly series: readonly Series[];
  readonly method: Method;
  readonly dt: number;
  /** Set when the run stopped early; times and series then end at the last good save. */
  readonly error?: NonFiniteError;
}

/** Finds a series by name, ignoring case, spaces and underscores. */
export function getSeries(result: RunResult, name: string): Float64Array | undefined {
  const key = normaliseSeriesName(name);
  return result.series.find((s) => normaliseSeriesName(s.name) === key)?.values;
}

/** The form series names are matched in: case, spaces, underscores and quotes do not matter. */
export function normaliseSeriesName(name: string): string {
  return name.toLowerCase().replace(/[_\s"]+/g, ' ').replace(/\s*([[\],])\s*/g, '$1').trim();
}

/** Runs a compiled model once. Throws ModelInputError for unknown names or unusable settings. */
export function simulate(model: Simulatable, options: SimulateOptions = {}): RunResult {
  const { ir, kernel } = model;
  const settings = runSettings(ir, options);
  const { method, dt } = settings;
  const plan = runPlan(ir);
  const overrides = options.overrides ? overrideArray(ir, options.overrides) : plan.noOverrides;
  const recorded = recordedElements(ir, options.vars);
  const raw = integrate(ir, kernel, settings, overrides, options.vars ? recorded.map((r) => r.slot) : plan.everythingSlots);
  const n = raw.times.length;
  // A full run of a large model makes thousands: each series is one literal of one of two fixed
  // shapes (adding `units` afterwards changed the shape of every other one, measured 40% slower).
  const series: Series[] = new Array<Series>(recorded.length);
  for (let c = 0; c < recorded.length; c++) {
    const r = recorded[c]!;
    const values = raw.store.subarray(c * n, c * n + raw.saved);
    series[c] = r.units === undefined ? { name: r.name, variable: r.variable, values } : { name: r.name, variable: r.variable, values, units: r.units };
  }
  const result = { times: raw.saved === raw.times.length ? raw.times : raw.times.subarray(0, raw.saved), series, method, dt };
  return raw.nonFinite ? { ...result, error: nonFiniteError(ir, raw.nonFinite) } : result;
}

/** Where and when a run stopped on NaN or infinity, worded for the user. */
export function nonFiniteError(ir: ModelIR, where: NonFiniteValue): NonFiniteError {
  const info = ir.slots[where.slot]!;
  const owner = ir.variables[info.owner]!;
  const label = info.visible ? seriesName(owner, info.element) : info.label;
  const what = Number.isNaN(where.value) ? 'not a number (NaN)' : where.value > 0 ? 'infinite' : 'minus infinity';
  return {
    kind: 'non-finite',
    variable: info.visible ? label : seriesName(owner, info.element),
    time: where.time,
    value: where.value,
    message: `${info.visible ? `"${label}"` : label} became ${what} at time ${where.time}; the run stopped there. Look for a division by zero, a logarithm or square root of a negative number, or a value growing without limit.`,
  };
}

/**
 * The integration settings of a run: the model's own, changed by the options. Throws
 * ModelInputError for a step, save interval or run length that do not fit together.
 */
export function runSettings(ir: ModelIR, options: Pick<SimulateOptions, 'method' | 'dt' | 'saveEvery' | 'seed'> = {}): IntegrationSettings {
  const method = options.method ?? ir.sim.method;
  const dt = options.dt ?? ir.sim.dt;
  // A model that saves every step keeps saving every step when the step changes.
  const saveEvery = options.saveEvery ?? (options.dt === undefined ? ir.sim.saveEvery : ir.sim.saveEvery === ir.sim.dt ? dt : Math.max(dt, ir.sim.saveEvery));
  if (!(dt > 0) || !Number.isFinite(dt)) throw new ModelInputError(`The time step must be a positive number, not ${dt}.`);
  if (!(saveEvery > 0)) throw new ModelInputError(`The save interval must be a positive number, not ${saveEvery}.`);
  const stride = saveEvery / dt;
  if (Math.abs(stride - Math.round(stride)) > 1e-6 * Math.max(1, stride) || Math.round(stride) < 1) {
    throw new ModelInputError(`The save interval (${saveEvery}) must be a whole multiple of the time step (${dt}).`);
  }
  const steps = (ir.sim.stop - ir.sim.start) / dt;
  if (Math.abs(steps - Math.round(steps)) > 1e-6 * Math.max(1, steps)) {
    throw new ModelInputError(`The run length (${ir.sim.stop - ir.sim.start}) is not a whole number of time steps of ${dt}.`);
  }
  return { start: ir.sim.start, stop: ir.sim.stop, dt, saveEvery, method, seed: options.seed ?? ir.sim.seed };
}


function recordedElements(ir: ModelIR, vars: readonly string[] | undefined): readonly Recorded[] {
  if (!vars) return runPlan(ir).everything;
  const out: Recorded[] = [];
  const seen = new Set<number>();
  for (const text of vars) {
    const sel = selectVariable(ir, text);
    for (const e of sel.elements) addRecorded(out, seen, sel.variable, e);
  }
  return out;
}
