import { elementLabel } from '../check/model.js';
import type { CompiledModel } from '../compile/compile.js';
import type { Interpolation, VarKind } from '../language/ast.js';
import { savedTimeGrid } from '../sensitivity/plan.js';
import { integrate, savedColumn } from '../sim/integrate.js';
import { resolveOverrideTarget } from '../sim/overrides.js';
import { seriesName } from '../sim/select.js';
import { runSettings } from '../sim/simulate.js';

/** A value a scenario or sensitivity spec can set: a constant or a stock's initial value. */
export interface ModelParameter {
  readonly name: string;
  readonly kind: VarKind;
  readonly units?: string;
  readonly doc?: string;
  /** `name` or `name[element]`, one per element. */
  readonly elements: readonly string[];
  /** The value of each element in a run of the model as it is (NaN-free; empty when the model fails at its start). */
  readonly values: readonly number[];
}

export interface ModelOutput {
  readonly name: string;
  readonly kind: VarKind;
  readonly units?: string;
  readonly elements: readonly string[];
}

/** A graphical function with its points now: what a scenario's new points replace. */
export interface ModelGraph {
  readonly name: string;
  /** The element whose own table this is (`name[element]`), or undefined for the table of every element. */
  readonly element?: string;
  readonly points: readonly (readonly [number, number])[];
  readonly interpolation: Interpolation;
}

/** What forms for scenarios and sensitivity specs offer: parameters, outputs, graphs and times. */
export interface ModelDescription {
  readonly parameters: readonly ModelParameter[];
  readonly outputs: readonly ModelOutput[];
  readonly graphs: readonly ModelGraph[];
  readonly savedTimes: readonly number[];
  readonly timeUnit?: string;
}

export function describeModel(model: CompiledModel): ModelDescription {
  const { ir, checked } = model;
  const settings = runSettings(ir);
  const parameterSlots = ir.variables.map((v) => {
    const target = v.slots.length > 0 ? resolveOverrideTarget(ir, v.name) : undefined;
    return target && !('code' in target) ? target : undefined;
  });
  const slots = parameterSlots.flatMap((t) => t?.slots ?? []);
  const raw = integrate(ir, model.kernel, settings, new Float64Array(ir.slots.length).fill(Number.NaN), slots);
  const initial = raw.saved > 0 ? slots.map((_, c) => savedColumn(raw, c)[0]!) : [];
  let at = 0;
  const parameters: ModelParameter[] = [];
  ir.variables.forEach((v, i) => {
    const target = parameterSlots[i];
    if (!target) return;
    const values = initial.slice(at, at + target.slots.length);
    at += target.slots.length;
    parameters.push({ name: v.name, kind: v.kind, ...(v.units ? { units: v.units } : {}), ...(v.doc ? { doc: v.doc } : {}), elements: target.labels, values });
  });
  const outputs = ir.variables.filter((v) => v.slots.length > 0).map((v) => ({ name: v.name, kind: v.kind, ...(v.units ? { units: v.units } : {}), elements: v.slots.map((_, e) => seriesName(v, e)) }));
  const graphs: ModelGraph[] = [];
  for (const v of checked.variables) {
    if (v.kind !== 'graph') continue;
    const points = (t: { xs: readonly number[]; ys: readonly number[] }): [number, number][] => t.xs.map((x, k) => [x, t.ys[k]!]);
    if (v.graph) graphs.push({ name: v.name, points: points(v.graph), interpolation: v.graph.interpolation });
    for (const [flat, t] of v.elementGraphs ?? []) graphs.push({ name: v.name, element: elementLabel(v, flat), points: points(t), interpolation: t.interpolation });
  }
  return { parameters, outputs, graphs, savedTimes: savedTimeGrid(settings), ...(ir.sim.timeUnit ? { timeUnit: ir.sim.timeUnit } : {}) };
}
