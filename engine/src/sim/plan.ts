import type { ModelIR, VariableLayout } from '../ir/ir.js';
import { seriesName } from './select.js';

/** A slot a run records, with the names its series carries. */
export interface Recorded {
  readonly slot: number;
  readonly name: string;
  readonly variable: string;
  readonly units?: string;
}

/**
 * What every run of a model needs and no run changes, worked out once per model: a sensitivity
 * sweep of thousands of runs should not rebuild series names or scan the programs each time.
 */
export interface RunPlan {
  /** Every element of every variable once, in the order a full run records them. */
  readonly everything: readonly Recorded[];
  /** Their slots, as the integrator takes them. */
  readonly everythingSlots: Int32Array;
  /** Stock slots clamped at zero (ModelIR.nonNegative), as the integrator takes them. */
  readonly nonNegative: Int32Array;
  /** Overrides that override nothing (all NaN): the kernels only read them, so every plain run shares one. */
  readonly noOverrides: Float64Array;
  /** Slots a run may override (constants and stock initial values). */
  readonly overridable: ReadonlySet<number>;
  /** Slots whose equation is literally INF: infinite on purpose, not a fault. */
  readonly intendedInfinite: ReadonlySet<number>;
}

const plans = new WeakMap<ModelIR, RunPlan>();

export function runPlan(ir: ModelIR): RunPlan {
  let plan = plans.get(ir);
  if (!plan) {
    const everything: Recorded[] = [];
    const seen = new Set<number>();
    for (const v of ir.variables) for (let e = 0; e < v.slots.length; e++) addRecorded(everything, seen, v, e);
    plan = {
      everything,
      everythingSlots: Int32Array.from(everything, (r) => r.slot),
      nonNegative: Int32Array.from(ir.nonNegative),
      noOverrides: new Float64Array(ir.slots.length).fill(Number.NaN),
      overridable: new Set(ir.initProgram.filter((a) => a.overridable).map((a) => a.slot)),
      intendedInfinite: new Set(ir.initProgram.filter((a) => a.expr.k === 'num' && Math.abs(a.expr.v) === Number.POSITIVE_INFINITY).map((a) => a.slot)),
    };
    plans.set(ir, plan);
  }
  return plan;
}

/** Adds one element's slot unless an earlier selection already records it. */
export function addRecorded(out: Recorded[], seen: Set<number>, variable: VariableLayout, element: number): void {
  const slot = variable.slots[element]!;
  if (seen.has(slot)) return;
  seen.add(slot);
  out.push({ slot, name: seriesName(variable, element), variable: variable.name, ...(variable.units === undefined ? {} : { units: variable.units }) });
}
