import type { ModelIR } from '../ir/ir.js';
import { integrate, savedColumn, type IntegrationSettings } from '../sim/integrate.js';
import { overrideArray, resolveOverrideTarget, type OverrideValue } from '../sim/overrides.js';
import { ModelInputError, seriesName, trySelectVariable } from '../sim/select.js';
import { runSettings, type Simulatable } from '../sim/simulate.js';
import { formatDistribution, quantile, type Distribution } from './distributions.js';
import { permutation, runSeed, STREAM, uniformAt } from './random.js';
import { checkSpec, DEFAULT_PERCENTILES, DEFAULT_SEED, sweepValues, type SensitivityMethod, type SensitivitySpec, type SpecProblem } from './spec.js';
import { DEFAULT_COMPRESSION } from './tdigest.js';

/** A parameter resolved to the model's slots, with its value in the base run. */
export interface PlannedParameter {
  /** As the spec names it. */
  readonly name: string;
  /** The model's variable. */
  readonly variable: string;
  readonly slots: readonly number[];
  /** `name` or `name[element]` of each slot. */
  readonly labels: readonly string[];
  /** Each slot's value in the base run (the model, changed by the base scenario). */
  readonly base: readonly number[];
  readonly scale: boolean;
  /** `uniform(0.1, 0.3)`, `values 1, 2, 3`, `0.1 to 0.3`: for tables and legends. */
  readonly description: string;
  readonly distribution?: Distribution;
  /** oat: the values swept; tornado: [low, high]. */
  readonly values?: readonly number[];
}

export interface PlannedOutput {
  /** `name` or `name[element]`. */
  readonly name: string;
  readonly variable: string;
  readonly units?: string;
  readonly slot: number;
}

/**
 * Everything a worker needs to run any run of an analysis: the same plan is built from the same
 * model and spec in every worker, and a run's parameters are a pure function of (plan, run index).
 */
export interface SensitivityPlan {
  readonly method: SensitivityMethod;
  readonly seed: number;
  readonly spec: SensitivitySpec;
  readonly settings: IntegrationSettings;
  readonly runs: number;
  readonly chunkSize: number;
  readonly chunks: number;
  readonly parameters: readonly PlannedParameter[];
  readonly outputs: readonly PlannedOutput[];
  /** Every time a run saves. */
  readonly savedTimes: readonly number[];
  /** Times statistics are reported at, and their index in savedTimes. */
  readonly reportTimes: readonly number[];
  readonly reportIndex: readonly number[];
  /** Times each run's outputs are kept at (scatter, sweeps, tornado), and their index in savedTimes. */
  readonly recordTimes: readonly number[];
  readonly recordIndex: readonly number[];
  readonly percentiles: readonly number[];
  readonly samples: number;
  readonly compression: number;
  /** The base scenario's overrides as the kernel takes them (NaN: the model's own value). */
  readonly baseOverrides: Float64Array;
  /** lhs: for each parameter, the stratum each run samples. */
  readonly permutations: readonly Int32Array[];
  /** oat: the first run of each parameter's sweep (run 0 is the base run). */
  readonly sweepStarts: readonly number[];
  /** tornado: the ranked output (index into outputs) and time (index into recordTimes). */
  readonly tornado?: { readonly output: number; readonly time: number };
  readonly timeUnit?: string;
}

export interface PlanOptions {
  /** Constant and initial-value overrides every run starts from (a scenario's values). */
  readonly baseOverrides?: Readonly<Record<string, OverrideValue>>;
}

const DEFAULT_CHUNK = { mc: 200, lhs: 200, oat: 4, tornado: 4 } as const;

/** Resolves a spec against a compiled model; every problem is reported, none thrown. */
export function planSensitivity(model: Simulatable, input: unknown, options: PlanOptions = {}): { readonly plan?: SensitivityPlan; readonly problems: readonly SpecProblem[] } {
  const checked = checkSpec(input);
  if (!checked.spec) return { problems: checked.problems };
  const spec = checked.spec;
  const { ir } = model;
  const problems: SpecProblem[] = [];
  const problem = (path: string, code: SpecProblem['code'], message: string): void => void problems.push({ path, code, message });

  let settings: IntegrationSettings;
  let baseOverrides: Float64Array;
  try {
    settings = runSettings(ir, spec.settings ?? {});
    baseOverrides = overrideArray(ir, options.baseOverrides);
  } catch (err) {
    if (!(err instanceof ModelInputError)) throw err;
    return { problems: [{ path: 'settings', code: 'model', message: err.message }] };
  }

  // Parameters → slots; no slot may be set by two parameters.
  const owner = new Map<number, string>();
  const resolved = spec.parameters.map((p, i) => {
    const target = resolveOverrideTarget(ir, p.name);
    if ('code' in target) return void problem(`parameters[${i}].name`, target.code, target.message);
    for (const s of target.slots) {
      const other = owner.get(s);
      if (other !== undefined) problem(`parameters[${i}].name`, 'duplicate', `"${p.name}" sets the same value as "${other}": vary each parameter once.`);
      owner.set(s, p.name);
    }
    return target;
  });

  // Outputs → one per element (a tornado's output is added when not listed).
  const outputs: PlannedOutput[] = [];
  const outputSlot = new Map<number, number>();
  const addOutput = (name: string, path: string): number[] => {
    const sel = trySelectVariable(ir, name);
    if ('code' in sel) {
      problem(path, sel.code, sel.message);
      return [];
    }
    return sel.elements.map((e) => {
      const slot = sel.variable.slots[e]!;
      const known = outputSlot.get(slot);
      if (known !== undefined) return known;
      outputSlot.set(slot, outputs.length);
      outputs.push({ name: seriesName(sel.variable, e), variable: sel.variable.name, ...(sel.variable.units === undefined ? {} : { units: sel.variable.units }), slot });
      return outputs.length - 1;
    });
  };
  spec.outputs.forEach((o, i) => addOutput(o, `outputs[${i}]`));

  const savedTimes = savedTimeGrid(settings);
  const indexOf = (t: number, path: string): number | undefined => {
    const i = savedIndex(settings, savedTimes, t);
    if (i === undefined) {
      const every = settings.saveEvery;
      problem(path, 'not-a-saved-time', `${t} is not a saved time: runs save every ${every} from ${savedTimes[0]} to ${savedTimes[savedTimes.length - 1]}.`);
    }
    return i;
  };
  const reportTimes = spec.times ?? savedTimes;
  const reportIndex = reportTimes.map((t, i) => indexOf(t, `times[${i}]`) ?? 0);

  // oat keeps every run at the report times (its sweep table); the others only where asked.
  const recordTimes = spec.method === 'oat' ? [...reportTimes] : [...(spec.scatterTimes ?? [])];
  const recordIndex = spec.method === 'oat' ? [...reportIndex] : recordTimes.map((t, i) => indexOf(t, `scatterTimes[${i}]`) ?? 0);
  let tornado: SensitivityPlan['tornado'];
  if (spec.method === 'tornado') {
    const found = addOutput(spec.tornado.output, 'tornado.output');
    if (found.length > 1) problem('tornado.output', 'not-one-value', `"${spec.tornado.output}" has ${found.length} elements: rank on one of them, e.g. "${outputs[found[0]!]!.name}".`);
    const time = spec.tornado.time ?? savedTimes[savedTimes.length - 1]!;
    const index = indexOf(time, 'tornado.time');
    if (index !== undefined && found.length === 1) {
      let at = recordIndex.indexOf(index);
      if (at < 0) {
        at = recordTimes.length;
        recordTimes.push(savedTimes[index]!);
        recordIndex.push(index);
      }
      tornado = { output: found[0]!, time: at };
    }
  }
  if (problems.length > 0) return { problems };

  const targets = resolved.map((r) => r!);
  const base = baseValues(model, settings, baseOverrides, targets.flatMap((t) => t.slots));
  if (!base) return { problems: [{ path: '', code: 'model', message: 'The model fails at its start time (a NaN or infinity in an initial value), so there is no base run to vary.' }] };
  let at = 0;
  const parameters: PlannedParameter[] = spec.parameters.map((p, i) => {
    const t = targets[i]!;
    const own = base.slice(at, at + t.slots.length);
    at += t.slots.length;
    const common = { name: p.name, variable: t.variable, slots: t.slots, labels: t.labels, base: own, scale: p.scale === true };
    switch (spec.method) {
      case 'mc':
      case 'lhs': {
        const d = spec.parameters[i]!.distribution;
        return { ...common, description: formatDistribution(d), distribution: d };
      }
      case 'oat': {
        const values = sweepValues(spec.parameters[i]!);
        return { ...common, description: `values ${values.join(', ')}`, values };
      }
      case 'tornado': {
        const tp = spec.parameters[i]!;
        const [lowP, highP] = spec.tornado.percentiles ?? [10, 90];
        const values = tp.distribution ? [quantile(tp.distribution, lowP / 100), quantile(tp.distribution, highP / 100)] : [tp.low!, tp.high!];
        const description = tp.distribution ? `${formatDistribution(tp.distribution)}, P${lowP}–P${highP}` : `${tp.low} to ${tp.high}`;
        return { ...common, description, values, ...(tp.distribution ? { distribution: tp.distribution } : {}) };
      }
    }
  });

  const runs = spec.method === 'mc' || spec.method === 'lhs' ? spec.runs
    : spec.method === 'oat' ? 1 + parameters.reduce((n, p) => n + p.values!.length, 0)
    : 1 + 2 * parameters.length;
  const sweepStarts: number[] = [];
  if (spec.method === 'oat') parameters.reduce((start, p) => (sweepStarts.push(start), start + p.values!.length), 1);
  const seed = spec.seed ?? DEFAULT_SEED;
  const chunkSize = spec.chunkSize ?? DEFAULT_CHUNK[spec.method];
  return {
    problems: [],
    plan: {
      method: spec.method,
      seed,
      spec,
      settings,
      runs,
      chunkSize,
      chunks: Math.ceil(runs / chunkSize),
      parameters,
      outputs,
      savedTimes,
      reportTimes: [...reportTimes],
      reportIndex,
      recordTimes,
      recordIndex,
      percentiles: [...(spec.percentiles ?? DEFAULT_PERCENTILES)],
      samples: spec.samples ?? (spec.method === 'oat' ? Math.min(runs, 1000) : 0),
      compression: spec.compression ?? DEFAULT_COMPRESSION,
      baseOverrides,
      permutations: spec.method === 'lhs' ? parameters.map((_, p) => permutation(seed, STREAM.permutation + p, runs)) : [],
      sweepStarts,
      ...(tornado ? { tornado } : {}),
      ...(ir.sim.timeUnit ? { timeUnit: ir.sim.timeUnit } : {}),
    },
  };
}

/**
 * The value of each parameter in run `run` (written to `out`): NaN means "at its base value".
 * mc: an independent draw; lhs: the run's stratum, jittered; oat/tornado: run 0 is the base run.
 */
export function runParameters(plan: SensitivityPlan, run: number, out: Float64Array): void {
  out.fill(Number.NaN);
  const { parameters } = plan;
  switch (plan.method) {
    case 'mc':
      parameters.forEach((p, i) => (out[i] = quantile(p.distribution!, uniformAt(plan.seed, STREAM.parameter + i, run))));
      return;
    case 'lhs':
      parameters.forEach((p, i) => (out[i] = quantile(p.distribution!, (plan.permutations[i]![run]! + uniformAt(plan.seed, STREAM.parameter + i, run)) / plan.runs)));
      return;
    case 'oat': {
      if (run === 0) return;
      let i = plan.sweepStarts.length - 1;
      while (plan.sweepStarts[i]! > run) i--;
      out[i] = parameters[i]!.values![run - plan.sweepStarts[i]!]!;
      return;
    }
    case 'tornado':
      if (run > 0) out[(run - 1) >> 1] = parameters[(run - 1) >> 1]!.values![(run - 1) & 1]!;
      return;
  }
}

/** The kernel's override array for a run's parameter values. */
export function applyParameters(plan: SensitivityPlan, values: Float64Array, into: Float64Array): void {
  into.set(plan.baseOverrides);
  plan.parameters.forEach((p, i) => {
    const v = values[i]!;
    if (v !== v) return;
    p.slots.forEach((slot, e) => (into[slot] = p.scale ? p.base[e]! * v : v));
  });
}

/** The seed the model's own random functions get: a fresh one per run for sampling methods; oat and tornado share the model's (common random numbers). */
export function modelSeed(plan: SensitivityPlan, run: number): number {
  return plan.method === 'mc' || plan.method === 'lhs' ? runSeed(plan.seed, run) : plan.settings.seed;
}

/** The times a run saves at, computed as the integrator does (start + k·dt), so they compare exactly. */
export function savedTimeGrid(s: IntegrationSettings): number[] {
  const steps = Math.round((s.stop - s.start) / s.dt);
  const stride = Math.max(1, Math.round(s.saveEvery / s.dt));
  return Array.from({ length: Math.floor(steps / stride) + 1 }, (_, i) => s.start + i * stride * s.dt);
}

function savedIndex(s: IntegrationSettings, grid: readonly number[], t: number): number | undefined {
  const every = Math.max(1, Math.round(s.saveEvery / s.dt)) * s.dt;
  const i = Math.round((t - s.start) / every);
  return i >= 0 && i < grid.length && Math.abs(grid[i]! - t) <= 1e-6 * every ? i : undefined;
}

/** Each slot's value at the start of the base run, or undefined when the model fails there. */
function baseValues(model: Simulatable, settings: IntegrationSettings, overrides: Float64Array, slots: readonly number[]): number[] | undefined {
  const ir: ModelIR = model.ir;
  const raw = integrate(ir, model.kernel, settings, overrides, slots);
  if (raw.saved === 0) return undefined;
  return slots.map((_, c) => savedColumn(raw, c)[0]!);
}
