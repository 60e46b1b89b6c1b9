import type { RExpr, Variable } from './model.js';

/** Calls `visit` for every variable an expression refers to (graph tables called as NAME(x) too). */
export function forEachReference(e: RExpr, visit: (v: Variable) => void): void {
  switch (e.k) {
    case 'num': case 'clock': case 'position':
      return;
    case 'var':
      return visit(e.ref);
    case 'unary':
      return forEachReference(e.a, visit);
    case 'binary':
      forEachReference(e.a, visit);
      return forEachReference(e.b, visit);
    case 'if':
      forEachReference(e.c, visit);
      forEachReference(e.a, visit);
      return forEachReference(e.b, visit);
    case 'call':
      for (const a of e.args) forEachReference(a, visit);
      return;
    case 'lookup':
      visit(e.graph);
      return forEachReference(e.x, visit);
    case 'reduce':
      return forEachReference(e.arg, visit);
  }
}

/**
 * The variables a variable's equations (or a stock's initial value) read, each once, in order of
 * first use; for a conveyor also its transit time, capacity and the like, for a leakage its fraction.
 */
export function variableReads(v: Variable): Variable[] {
  const seen = new Set<Variable>();
  const eqs = v.equations;
  const exprs = [...(eqs?.all ? [eqs.all] : []), ...(eqs?.elements.values() ?? []), ...propertyExpressions(v)];
  for (const e of exprs) forEachReference(e, (r) => { if (r !== v) seen.add(r); });
  return [...seen];
}

/** The variables a conveyor's properties (transit time, capacity, …) or a leakage's fraction read; not a stock's initial value. */
export function propertyReads(v: Variable): Variable[] {
  const seen = new Set<Variable>();
  for (const e of propertyExpressions(v)) forEachReference(e, (r) => { if (r !== v) seen.add(r); });
  return [...seen];
}

function propertyExpressions(v: Variable): RExpr[] {
  const c = v.conveyor;
  const all = [...(c ? [c.transitTime, c.capacity, c.inflowLimit, c.arrest, c.sample] : []), ...(v.leak ? [v.leak.value] : [])];
  return all.filter((e): e is RExpr => e !== undefined);
}
