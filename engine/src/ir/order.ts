import type { DiagnosticSink } from '../diagnostics.js';
import type { CheckedModel } from '../check/model.js';
import type { IExpr } from './ir.js';
import type { Draft } from './lower.js';
import { cycleThrough, stronglyConnected } from './graph.js';
import { forEachRead } from './walk.js';

export interface Ordering {
  /** Old (draft) slot number → final slot number. */
  readonly newIndex: Int32Array;
  /** Draft slots in the order the initial values must be computed. */
  readonly initOrder: readonly number[];
  /** Draft value slots, not constant, in the order they must be computed each evaluation. */
  readonly derivOrder: readonly number[];
  /** Per draft slot: computed once at the start and never again. */
  readonly constant: readonly boolean[];
  readonly nState: number;
  readonly nDynamic: number;
}

/**
 * Orders evaluation (reporting algebraic and initialisation loops), finds which values are
 * constant, and lays slots out as [state | changing values | constants | frozen and PREVIOUS].
 */
export function orderModel(drafts: readonly Draft[], model: CheckedModel, sink: DiagnosticSink): Ordering | undefined {
  const n = drafts.length;
  const isValue = (s: number): boolean => drafts[s]!.info.role === 'value';
  const derivDeps: number[][] = drafts.map((d) => (d.info.role === 'value' ? readsOf(d.deriv!).filter(isValue) : []));
  const valueSlots = drafts.map((_, s) => s).filter(isValue);
  const derivComponents = stronglyConnected(n, (s) => derivDeps[s]!, valueSlots);
  const loops = derivComponents.filter((c) => c.length > 1 || derivDeps[c[0]!]!.includes(c[0]!));
  for (const loop of loops) reportLoop(loop, derivDeps, drafts, model, sink, 'algebraic-loop');
  if (loops.length > 0) return undefined;

  const initDeps: number[][] = drafts.map((d) => readsOf(d.init!));
  const initComponents = stronglyConnected(n, (s) => initDeps[s]!);
  const initLoops = initComponents.filter((c) => c.length > 1 || initDeps[c[0]!]!.includes(c[0]!));
  for (const loop of initLoops) reportLoop(loop, initDeps, drafts, model, sink, 'init-loop');
  if (initLoops.length > 0) return undefined;

  const derivTopo = derivComponents.map((c) => c[0]!);
  const initOrder = initComponents.map((c) => c[0]!);
  const constant = new Array<boolean>(n).fill(false);
  for (const s of derivTopo) constant[s] = isConstant(drafts[s]!.deriv!, drafts, constant);
  for (let s = 0; s < n; s++) if (drafts[s]!.info.role === 'frozen') constant[s] = true;

  const layout: number[] = [];
  for (let s = 0; s < n; s++) if (drafts[s]!.info.role === 'stock') layout.push(s);
  for (let s = 0; s < n; s++) if (drafts[s]!.info.role === 'state') layout.push(s);
  const nState = layout.length;
  const derivOrder = derivTopo.filter((s) => !constant[s]);
  layout.push(...derivOrder);
  const nDynamic = layout.length;
  for (const s of initOrder) if (isValue(s) && constant[s]) layout.push(s);
  for (let s = 0; s < n; s++) if (drafts[s]!.info.role === 'frozen' || drafts[s]!.info.role === 'previous') layout.push(s);
  const newIndex = new Int32Array(n);
  layout.forEach((old, i) => (newIndex[old] = i));
  return { newIndex, initOrder, derivOrder, constant, nState, nDynamic };
}

function readsOf(e: IExpr): number[] {
  const out: number[] = [];
  forEachRead(e, (s) => out.push(s));
  return out;
}

/** Constant: reads no time, randomness, delay or state, and only constant values. */
function isConstant(e: IExpr, drafts: readonly Draft[], constant: readonly boolean[]): boolean {
  switch (e.k) {
    case 'num':
    case 'dt':
      return true;
    case 'time':
    case 'rand':
    case 'delay':
    case 'belt':
      return false;
    case 'slot': {
      const role = drafts[e.i]!.info.role;
      return role === 'frozen' || (role === 'value' && constant[e.i] === true);
    }
    case 'un':
      return isConstant(e.a, drafts, constant);
    case 'bin':
      return isConstant(e.a, drafts, constant) && isConstant(e.b, drafts, constant);
    case 'if':
      return isConstant(e.c, drafts, constant) && isConstant(e.a, drafts, constant) && isConstant(e.b, drafts, constant);
    case 'fn':
      if (e.fn === 'step' || e.fn === 'pulse' || e.fn === 'ramp') return false;
      return e.args.every((a) => isConstant(a, drafts, constant));
    case 'nary':
      return e.args.every((a) => isConstant(a, drafts, constant));
    case 'lookup':
      return isConstant(e.x, drafts, constant);
    case 'vecpick':
      return isConstant(e.after, drafts, constant);
    case 'vec':
      return [...e.vectors.flat(), ...e.args].every((a) => isConstant(a, drafts, constant));
  }
}

function reportLoop(
  members: readonly number[],
  deps: readonly number[][],
  drafts: readonly Draft[],
  model: CheckedModel,
  sink: DiagnosticSink,
  code: 'algebraic-loop' | 'init-loop',
): void {
  const nameOf = (s: number): string => drafts[s]!.info.label.replace(/^.* inside "(.*)"$/, '$1');
  const variableOf = (s: number) => model.variables[drafts[s]!.info.owner]!;
  // Start from the member declared first, so the message is stable and points at the top of the loop.
  const start = [...members].sort((a, b) => variableOf(a).span.start.offset - variableOf(b).span.start.offset || a - b)[0]!;
  const cycle = cycleThrough(start, new Set(members), (s) => deps[s]!);
  const names = dedupeAdjacent([...cycle, start].map(nameOf));
  const all = dedupe(members.map(nameOf));
  const others = all.filter((x) => !names.includes(x));
  const chain = names.map((x) => `"${x}"`).join(' needs ');
  const first = variableOf(start);
  if (code === 'init-loop' && names.length <= 2 && first.kind === 'stock') {
    sink.error(code, first.nameSpan, `The initial value of stock "${first.name}" depends on itself; give it a starting value that does not use "${first.name}".`, first.name);
    return;
  }
  const message =
    code === 'algebraic-loop'
      ? names.length <= 2
        ? `Algebraic loop: "${names[0]}" depends on itself within the same time step. Break the loop with a stock or a delay such as SMTH1 or DELAY1.`
        : `Algebraic loop: ${chain}, all within the same time step with no stock in between. Break the loop with a stock or a delay such as SMTH1 or DELAY1.`
      : `Initial values depend on each other in a loop: ${chain}. Give one of the stocks in it a starting value that does not depend on the others.`;
  sink.error(code, first.nameSpan, others.length ? `${message} Also in the loop: ${others.map((x) => `"${x}"`).join(', ')}.` : message, first.name);
}

function dedupeAdjacent(xs: string[]): string[] {
  return xs.filter((x, i) => i === 0 || xs[i - 1] !== x);
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}
