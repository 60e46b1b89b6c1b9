import type { DiagnosticSink, SourceSpan } from '../diagnostics.js';
import type { VarDecl } from '../language/ast.js';
import type { ConveyorInfo, Dimension, LeakInfo, RExpr, SimSpec, Variable } from './model.js';
import { Resolver, type Building } from './resolver.js';
import { unitsOfExpression } from './unitcheck.js';
import { DIMENSIONLESS, divideUnits, formatUnits, parseUnits, sameUnits, type Unit } from './units.js';

/**
 * Conveyors and queues (Stella's, XMILE 1.0 §3.7): resolves their properties and checks the
 * structure around them. A conveyor has a transit time, one outflow at the end of its belt and
 * any number of leakage outflows, all computed by the conveyor (so none of them has an equation);
 * a queue's outflows take from its head, its overflows what the others cannot take.
 */

/** Flows that need no equation: every outflow of a conveyor, leakage and overflow flows, a queue's outflows (they then take all they can). */
export function optionalEquations(decls: readonly VarDecl[]): ReadonlySet<string> {
  const out = new Set<string>();
  for (const d of decls) {
    if (d.kind === 'stock' && (d.conveyor || d.queue)) for (const f of d.outflows) out.add(f.key);
    if (d.kind === 'flow' && (d.leak || d.overflow)) out.add(d.name.key);
  }
  return out;
}

type Mutable = { conveyor?: ConveyorInfo; queue?: boolean; leak?: LeakInfo; overflow?: boolean };

/** Resolves and checks every conveyor, queue, leakage and overflow; run after the variables are resolved. */
export function checkBelts(all: Map<string, Building>, dimensions: Map<string, Dimension>, sim: SimSpec, sink: DiagnosticSink): void {
  const sources = new Map<Variable, Variable[]>();
  const sinks = new Map<Variable, Variable[]>();
  for (const { variable: s } of all.values()) {
    if (s.kind !== 'stock') continue;
    for (const f of s.outflows) sources.set(f, [...(sources.get(f) ?? []), s]);
    for (const f of s.inflows) sinks.set(f, [...(sinks.get(f) ?? []), s]);
  }
  for (const b of all.values()) {
    if (b.opaque) continue;
    if (b.decl.kind === 'flow') flow(b, all, dimensions, sources, sink);
  }
  let first: { span: SourceSpan; name: string } | undefined;
  for (const b of all.values()) {
    if (b.opaque || b.decl.kind !== 'stock' || !(b.decl.conveyor || b.decl.queue)) continue;
    const { decl, variable: v } = b;
    first ??= { span: (decl.conveyor ?? decl.queue)!.span, name: v.name };
    if (decl.conveyor && decl.queue) {
      sink.error('conveyor', decl.queue.span, `Stock "${v.name}" cannot be both a conveyor and a queue; keep one of the two lines.`, v.name);
      continue;
    }
    if (!shared(v, decl.queue ? 'queue' : 'conveyor', sources, sinks, sink)) continue;
    if (decl.queue) queue(b, sink);
    else conveyor(b, all, dimensions, sources, sink);
  }
  for (const b of all.values()) if (!b.opaque) beltUnits(b.variable, sim, sink);
  if (first && sim.method !== 'euler') {
    sink.warning(
      'sim-spec',
      first.span,
      `Conveyors and queues move once per time step: with ${sim.method.toUpperCase()} the flows into and out of them keep the values of the start of each step (as in Stella, which recommends Euler for models with conveyors and queues).`,
      first.name,
    );
  }
}

/** A conveyor's or queue's flows belong to it alone: a flow it computes or holds back cannot also fill or drain another stock. */
function shared(v: Variable, what: 'conveyor' | 'queue', sources: Map<Variable, Variable[]>, sinks: Map<Variable, Variable[]>, sink: DiagnosticSink): boolean {
  for (const [list, by, word] of [[v.outflows, sources, 'drains'], [v.inflows, sinks, 'fills']] as const) {
    for (const f of list) {
      const others = (by.get(f) ?? []).filter((s) => s !== v);
      if (others.length > 0) {
        sink.error('conveyor', v.nameSpan, `Flow "${f.name}" of ${what} "${v.name}" also ${word} stock "${others[0]!.name}"; a flow of a conveyor or a queue must belong to it alone.`, v.name);
        return false;
      }
    }
  }
  return true;
}

function flow(b: Building, all: Map<string, Building>, dimensions: Map<string, Dimension>, sources: Map<Variable, Variable[]>, sink: DiagnosticSink): void {
  const { decl, variable: f } = b;
  const from = sources.get(f) ?? [];
  if (decl.leak) {
    if (!from.some((s) => all.get(s.key)?.decl.conveyor)) {
      sink.error('conveyor', decl.leak.span, `"${f.name}" has a ${decl.leak.kind === 'rate' ? 'leak rate' : 'leak fraction'}, but it is not an outflow of a conveyor: list it under "outflow:" of the conveyor it leaks from.`, f.name);
      return;
    }
    if (decl.equation || decl.valueList || decl.elementEquations.length > 0) {
      const span = decl.equation?.span ?? decl.valueList?.span ?? decl.elementEquations[0]!.span;
      sink.error('conveyor', span, `Leakage "${f.name}" is computed by its conveyor from its ${decl.leak.kind === 'rate' ? 'leak rate' : 'leak fraction'}: remove its equation.`, f.name);
    }
    const zone = decl.leak.zone ?? { start: 0, end: 1, span: decl.leak.span };
    if (!(zone.start >= 0 && zone.start < zone.end && zone.end <= 1)) {
      sink.error('conveyor', zone.span, `The leak zone of "${f.name}" must be two fractions of the belt from 0 to 1, the start before the end (as in  leak zone: 0, 50%); found ${zone.start}, ${zone.end}.`, f.name);
    }
    const value = new Resolver(f, all, dimensions, sink).resolve(decl.leak.value, true);
    (f as Mutable).leak = { kind: decl.leak.kind, value, start: zone.start, end: zone.end };
  }
  if (decl.overflow) {
    if (!from.some((s) => all.get(s.key)?.decl.queue)) {
      sink.error('conveyor', decl.overflow.span, `"${f.name}" is marked "overflow", but it is not an outflow of a queue: list it under "outflow:" of the queue it overflows from.`, f.name);
      return;
    }
    if (decl.equation || decl.valueList || decl.elementEquations.length > 0) {
      sink.error('conveyor', decl.equation?.span ?? decl.name.span, `Overflow "${f.name}" takes what the queue's other outflows cannot: remove its equation.`, f.name);
    }
    if (decl.leak) sink.error('conveyor', decl.overflow.span, `"${f.name}" cannot be both a leakage and an overflow.`, f.name);
    (f as Mutable).overflow = true;
  }
}

function queue(b: Building, sink: DiagnosticSink): void {
  const { decl, variable: q } = b;
  const firstOverflow = q.outflows.findIndex((f) => f.overflow);
  if (firstOverflow === 0) {
    sink.error('conveyor', decl.name.span, `The overflow "${q.outflows[0]!.name}" of queue "${q.name}" takes what the outflows listed before it cannot take, so it must come after at least one of them in "outflow:".`, q.name);
  }
  for (const f of q.outflows) {
    if (f.leak) sink.error('conveyor', decl.name.span, `Queue "${q.name}" has no belt to leak from: "${f.name}" has a leak fraction or rate; leakage flows belong to conveyors.`, q.name);
  }
  (q as Mutable).queue = true;
}

function conveyor(b: Building, all: Map<string, Building>, dimensions: Map<string, Dimension>, sources: Map<Variable, Variable[]>, sink: DiagnosticSink): void {
  const { decl, variable: c } = b;
  const spec = decl.conveyor!;
  let ok = true;
  if (!spec.transitTime) {
    sink.error('conveyor', spec.span, `Conveyor "${c.name}" needs a transit time (how long what enters stays on it): add a line such as  transit time: 6`, c.name);
    ok = false;
  }
  const exits = c.outflows.filter((f) => !f.leak);
  const leaks = c.outflows.filter((f) => f.leak);
  if (exits.length !== 1) {
    sink.error(
      'conveyor',
      decl.name.span,
      exits.length === 0
        ? `Conveyor "${c.name}" needs an outflow for what reaches the end of its belt: add one to "outflow:" (its leakages do not count).`
        : `Conveyor "${c.name}" has ${exits.length} outflows that are not leakages (${exits.map((f) => `"${f.name}"`).join(', ')}); it has one outflow at the end of the belt. Give the others a "leak fraction:" or a "leak rate:".`,
      c.name,
    );
    ok = false;
  }
  const exit = exits[0];
  const exitDecl = exit ? all.get(exit.key)?.decl : undefined;
  if (exit && exitDecl && (exitDecl.equation || exitDecl.valueList || exitDecl.elementEquations.length > 0)) {
    const span = exitDecl.equation?.span ?? exitDecl.valueList?.span ?? exitDecl.elementEquations[0]!.span;
    sink.error('conveyor', span, `"${exit.name}" is what reaches the end of conveyor "${c.name}", so the conveyor computes it: remove its equation.`, exit.name);
    ok = false;
  }
  if (exit?.overflow) ok = false; // reported with the flow
  const kinds = new Set(leaks.map((f) => f.leak!.kind));
  if (kinds.size > 1) {
    sink.error('conveyor', decl.name.span, `The leakages of conveyor "${c.name}" mix "leak fraction:" (linear) and "leak rate:" (exponential); a conveyor leaks one way (as in XMILE), so use one kind for all of them.`, c.name);
    ok = false;
  }
  if (spec.capacity || spec.inflowLimit) {
    for (const f of c.inflows) {
      const from = (sources.get(f) ?? []).find((s) => all.get(s.key)?.decl.conveyor);
      if (from) {
        sink.error('conveyor', decl.name.span, `"${f.name}" comes off conveyor "${from.name}", which cannot hold it back, so it cannot flow into conveyor "${c.name}", which has a ${spec.capacity ? 'capacity' : 'inflow limit'}. Put a queue between them.`, c.name);
        ok = false;
      }
    }
  }
  const resolver = new Resolver(c, all, dimensions, sink);
  const resolve = (e: typeof spec.transitTime) => (e ? resolver.resolve(e, true) : undefined);
  const transitTime = resolve(spec.transitTime);
  const capacity = resolve(spec.capacity);
  const inflowLimit = resolve(spec.inflowLimit);
  const arrest = resolve(spec.arrest);
  const sample = resolve(spec.sample);
  if (!ok || !transitTime || !exit) return;
  (c as Mutable).conveyor = {
    transitTime,
    ...(capacity ? { capacity } : {}),
    ...(inflowLimit ? { inflowLimit } : {}),
    ...(arrest ? { arrest } : {}),
    ...(sample ? { sample } : {}),
    exit,
    leaks,
    span: spec.span,
  };
}

/** Transit time in time units, capacity in the stock's units, inflow limit per time unit, leak fractions without units, leak rates per time unit. */
function beltUnits(v: Variable, sim: SimSpec, sink: DiagnosticSink): void {
  const time = sim.timeUnit ? parseUnits(sim.timeUnit) : undefined;
  const expect = (e: RExpr | undefined, wanted: Unit | undefined, what: string): void => {
    if (!e) return;
    const got = unitsOfExpression(e, v, sim, sink);
    if (got && wanted && !sameUnits(got, wanted)) sink.warning('units', e.span, `The ${what} should be in ${formatUnits(wanted)}, not ${formatUnits(got)}.`, v.name);
  };
  const c = v.conveyor;
  if (c) {
    expect(c.transitTime, time, `transit time of conveyor "${v.name}" (how long material stays)`);
    expect(c.capacity, v.units, `capacity of conveyor "${v.name}"`);
    expect(c.inflowLimit, v.units && time ? divideUnits(v.units, time) : undefined, `inflow limit of conveyor "${v.name}" (the most that may enter per time unit)`);
    if (c.arrest) unitsOfExpression(c.arrest, v, sim, sink);
    if (c.sample) unitsOfExpression(c.sample, v, sim, sink);
  }
  if (v.leak) {
    const rate = v.leak.kind === 'rate';
    expect(v.leak.value, rate ? (time ? divideUnits(DIMENSIONLESS, time) : undefined) : DIMENSIONLESS, rate ? `leak rate of "${v.name}" (the fraction of what is on the belt that leaks per time unit)` : `leak fraction of "${v.name}" (the fraction of what enters that leaks during the stay)`);
  }
}
