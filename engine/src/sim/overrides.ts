import type { ModelIR } from '../ir/ir.js';
import { ModelInputError, seriesName, trySelectVariable, type SelectionProblem } from './select.js';

export type OverrideValue = number | readonly number[];

/** Why an override cannot be applied; `code` is stable so scenario validation can key on it. */
export interface OverrideProblem {
  readonly code: SelectionProblem['code'] | 'structural' | 'not-a-parameter' | 'element-count' | 'not-finite';
  readonly message: string;
}

/** The slots an override writes, with the value for each. */
export interface OverrideTarget {
  /** The variable as the model names it now. */
  readonly variable: string;
  readonly slots: readonly number[];
  /** `name` or `name[element]` of each slot, for tables and messages. */
  readonly labels: readonly string[];
}

/**
 * Where a parameter override lands: the slots of a constant or of a stock's initial value. Says
 * what is wrong instead of throwing, so a scenario or sensitivity spec reports every stale name at
 * once; `overrideArray` turns the first problem into the ModelInputError a single run throws.
 */
export function resolveOverrideTarget(ir: ModelIR, name: string): OverrideTarget | OverrideProblem {
  const sel = trySelectVariable(ir, name);
  if ('code' in sel) return { code: sel.code, message: sel.message };
  if (ir.structural.has(ir.variables.indexOf(sel.variable))) {
    return { code: 'structural', message: `"${sel.variable.name}" sets the order of a delay or smooth, which fixes the model's structure; change it in the model instead.` };
  }
  const overridable = overridableSlots(ir);
  const slots = sel.elements.map((e) => sel.variable.slots[e]!);
  const labels = sel.elements.map((e) => seriesName(sel.variable, e));
  const fixed = slots.findIndex((s) => !overridable.has(s));
  if (fixed >= 0) {
    return { code: 'not-a-parameter', message: `"${labels[fixed]}" changes during the run, so it cannot be set; only constants and the initial values of stocks can.` };
  }
  return { variable: sel.variable.name, slots, labels };
}

/** Checks a value (one number for every element, or one per element) against an override target. */
export function overrideValues(target: OverrideTarget, name: string, value: OverrideValue): readonly number[] | OverrideProblem {
  const values = typeof value === 'number' ? target.slots.map(() => value) : value;
  if (values.length !== target.slots.length) {
    return { code: 'element-count', message: `"${name}" has ${target.slots.length} element(s) but ${values.length} value(s) were given.` };
  }
  for (const x of values) {
    if (typeof x !== 'number' || !Number.isFinite(x)) return { code: 'not-finite', message: `The value for "${name}" must be a finite number, not ${x}.` };
  }
  return values;
}

const overridableCache = new WeakMap<ModelIR, ReadonlySet<number>>();

function overridableSlots(ir: ModelIR): ReadonlySet<number> {
  let set = overridableCache.get(ir);
  if (!set) {
    set = new Set(ir.initProgram.filter((a) => a.overridable).map((a) => a.slot));
    overridableCache.set(ir, set);
  }
  return set;
}

/** The kernel's override array (NaN = keep the model's value); throws ModelInputError on the first problem. */
export function overrideArray(ir: ModelIR, overrides: Readonly<Record<string, OverrideValue>> | ReadonlyMap<string, OverrideValue> | undefined): Float64Array {
  const o = new Float64Array(ir.slots.length).fill(Number.NaN);
  if (!overrides) return o;
  const entries = overrides instanceof Map ? [...overrides.entries()] : Object.entries(overrides as Record<string, OverrideValue>);
  for (const [name, value] of entries) {
    const target = resolveOverrideTarget(ir, name);
    if ('code' in target) throw new ModelInputError(target.message);
    const values = overrideValues(target, name, value);
    if ('code' in values) throw new ModelInputError(values.message);
    target.slots.forEach((slot, i) => (o[slot] = values[i]!));
  }
  return o;
}
