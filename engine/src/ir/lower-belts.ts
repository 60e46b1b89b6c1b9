import type { DiagnosticSink } from '../diagnostics.js';
import { elementLabel, type CheckedModel, type RExpr, type Variable } from '../check/model.js';
import type { BeltShape } from '../runtime/belts.js';
import type { BeltOp, IExpr, SlotRole } from './ir.js';

/**
 * Conveyors and queues in the IR. Each element gets a site (its state in the run's buffers) and
 * every flow into or out of it becomes a chain of belt steps, so that the kernels evaluate, in
 * dependency order: the content (the stock's slot), the step's settings, the leakages in priority
 * order, the exit, then each inflow (limited to the room left) and each outflow of a queue (taken
 * from its head). See runtime/conveyor.ts and runtime/queue.ts for what each step computes.
 */

type SlotRef = { readonly k: 'slot'; i: number };

interface Draft {
  init?: IExpr;
  deriv?: IExpr;
}

/** What lowering lends to this pass: slots, drafts and expression lowering in a variable's context. */
export interface BeltHost {
  readonly model: CheckedModel;
  readonly sink: DiagnosticSink;
  /** The provisional slot of element `e` of `v`. */
  slotOf(v: Variable, e: number): number;
  ref(slot: number): SlotRef;
  newSlot(role: SlotRole, owner: Variable, element: number, visible: boolean, label: string): number;
  draft(slot: number): Draft;
  /** `e` lowered in the context of element `element` of `owner`, in a helper slot unless it is a slot or a number. */
  value(e: RExpr, owner: Variable, element: number, what: string): IExpr;
  /** The value of an expression of numbers and constants, if it is one. */
  constant(e: RExpr): number | undefined;
}

export function isBelt(v: Variable): boolean {
  return v.kind === 'stock' && (v.conveyor !== undefined || v.queue === true);
}

/** Flows without an equation whose values a conveyor or queue computes (lowering leaves them to lowerBelts). */
export function beltComputedFlows(model: CheckedModel): Set<Variable> {
  const out = new Set<Variable>();
  for (const v of model.variables) if (isBelt(v)) for (const f of v.outflows) if (!f.equations) out.add(f);
  return out;
}

const INF: IExpr = { k: 'num', v: Number.POSITIVE_INFINITY };
const ZERO: IExpr = { k: 'num', v: 0 };
const ONE: IExpr = { k: 'num', v: 1 };

/** Lowers every conveyor and queue; returns their shapes (one per element) and the slots of their contents. */
export function lowerBelts(h: BeltHost): { shapes: BeltShape[]; levels: Set<number> } {
  const shapes: BeltShape[] = [];
  const levels = new Set<number>();
  const belts = h.model.variables.filter(isBelt);
  const siteOf = new Map<Variable, number>();
  const source = new Map<Variable, Variable>();
  const target = new Map<Variable, Variable>();
  for (const v of belts) {
    siteOf.set(v, shapes.length);
    for (let e = 0; e < v.size; e++) {
      shapes.push(
        v.conveyor
          ? { kind: 'conveyor', leaks: v.conveyor.leaks.map((f) => ({ start: f.leak!.start, end: f.leak!.end, exponential: f.leak!.kind === 'rate' })), inflows: v.inflows.length }
          : { kind: 'queue', inflows: v.inflows.length, outflows: v.outflows.length },
      );
    }
    for (const f of v.outflows) source.set(f, v);
    for (const f of v.inflows) target.set(f, v);
    if (v.conveyor) warnAboutTransitTime(h, v);
  }
  const belt = (op: BeltOp, v: Variable, e: number, index: number, args: IExpr[], after: number[]): IExpr => ({ k: 'belt', op, site: siteOf.get(v)! + e, index, args, after: after.map((s) => h.ref(s)) });

  // Per element of each conveyor: its settings slot, leakages and exit; per queue: the slot that sets it up.
  const computed = new Map<number, IExpr>();
  const room = new Map<string, IExpr>();
  const setup = new Map<string, number>();
  for (const v of belts) {
    for (let e = 0; e < v.size; e++) {
      const level = h.slotOf(v, e);
      levels.add(level);
      const label = `"${elementLabel(v, e)}"`;
      const c = v.conveyor;
      if (!c) {
        const s = h.newSlot('value', v, e, false, `queue inside ${label}`);
        h.draft(s).init = belt('queue-init', v, e, 0, [h.ref(level)], []);
        h.draft(s).deriv = ZERO; // only sets the queue up: computed once, at the start
        h.draft(level).deriv = belt('queue-level', v, e, 0, [], []);
        setup.set(`${v.key}:${e}`, s);
        continue;
      }
      const transit = h.value(c.transitTime, v, e, 'transit time');
      const capacity = c.capacity ? h.value(c.capacity, v, e, 'capacity') : INF;
      const limit = c.inflowLimit ? h.value(c.inflowLimit, v, e, 'inflow limit') : INF;
      const arrest = c.arrest ? h.value(c.arrest, v, e, 'arrest') : ZERO;
      const sample = c.sample ? h.value(c.sample, v, e, 'sample') : ONE;
      const leakValues = c.leaks.map((f) => h.value(f.leak!.value, f, e, f.leak!.kind === 'rate' ? 'leak rate' : 'leak fraction'));
      const settings = h.newSlot('value', v, e, false, `transit time inside ${label}`);
      h.draft(settings).init = belt('conveyor-init', v, e, 0, [h.ref(level), transit, capacity, limit, arrest, ...leakValues], []);
      h.draft(settings).deriv = belt('conveyor-step', v, e, 0, [transit, capacity, limit, arrest, sample], []);
      h.draft(level).deriv = belt('conveyor-level', v, e, 0, [], []);
      let before = settings;
      c.leaks.forEach((f, i) => {
        const s = h.slotOf(f, e);
        computed.set(s, belt('conveyor-leak', v, e, i, [leakValues[i]!], [before]));
        before = s;
      });
      const exit = h.slotOf(c.exit, e);
      computed.set(exit, belt('conveyor-out', v, e, 0, [], [before]));
      v.inflows.forEach((f, j) => room.set(`${f.key}:${e}`, belt('conveyor-room', v, e, j, [], j === 0 ? [exit] : [exit, h.slotOf(v.inflows[j - 1]!, e)])));
    }
  }

  // Every flow into or out of a conveyor or queue: what it asks for, limited and recorded on both sides.
  const flows = new Set([...source.keys(), ...target.keys()]);
  for (const f of h.model.variables) {
    if (!flows.has(f)) continue;
    const from = source.get(f);
    const to = target.get(f);
    for (let e = 0; e < f.size; e++) {
      const slot = h.slotOf(f, e);
      const d = h.draft(slot);
      const own = computed.get(slot) ?? (f.equations ? d.deriv! : INF); // a queue's outflow without an equation takes all it can
      const limit = to?.conveyor ? room.get(`${f.key}:${e}`)! : undefined;
      let value: IExpr;
      if (from?.queue) {
        const j = from.outflows.indexOf(f);
        const after = [j === 0 ? setup.get(`${from.key}:${e}`)! : h.slotOf(from.outflows[j - 1]!, e)];
        value = f.overflow ? belt('queue-overflow', from, e, j, [limit ?? INF], after) : belt('queue-take', from, e, j, [own, limit ?? INF], after);
      } else {
        value = limit ? { k: 'fn', fn: 'min', args: [own, limit] } : own;
      }
      if (to?.conveyor) value = belt('conveyor-admit', to, e, to.inflows.indexOf(f), [value], []);
      else if (to?.queue) value = belt('queue-add', to, e, to.inflows.indexOf(f), [value], [setup.get(`${to.key}:${e}`)!]);
      d.init = value;
      d.deriv = value;
    }
  }
  return { shapes, levels };
}

/** Material stays a whole number of time steps: say so when a constant transit time is not one. */
function warnAboutTransitTime(h: BeltHost, v: Variable): void {
  const transit = h.constant(v.conveyor!.transitTime);
  const dt = h.model.sim.dt;
  if (transit === undefined || !Number.isFinite(transit)) return;
  const steps = Math.max(1, Math.round(transit / dt));
  if (Math.abs(transit / dt - Math.round(transit / dt)) <= 1e-9 * Math.max(1, transit / dt) && transit >= dt) return;
  const stays = Number((steps * dt).toPrecision(6));
  const why = transit < dt ? `is shorter than the time step DT (${dt})` : `is not a whole number of time steps of DT (${dt})`;
  h.sink.warning('conveyor', v.conveyor!.transitTime.span, `The transit time of conveyor "${v.name}" (${transit}) ${why}: what enters stays ${stays}, ${steps} step${steps === 1 ? '' : 's'}. Use a DT that divides it.`, v.name);
}
