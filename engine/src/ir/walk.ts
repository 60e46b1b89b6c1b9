import type { IExpr } from './ir.js';

/** Calls `visit` with every slot an expression reads (including a DELAY's initial-value slot). */
export function forEachRead(e: IExpr, visit: (slot: number) => void): void {
  switch (e.k) {
    case 'slot':
      return visit(e.i);
    case 'num':
    case 'time':
    case 'dt':
      return;
    case 'un':
      return forEachRead(e.a, visit);
    case 'bin':
      forEachRead(e.a, visit);
      return forEachRead(e.b, visit);
    case 'if':
      forEachRead(e.c, visit);
      forEachRead(e.a, visit);
      return forEachRead(e.b, visit);
    case 'fn':
    case 'nary':
      for (const a of e.args) forEachRead(a, visit);
      return;
    case 'lookup':
      return forEachRead(e.x, visit);
    case 'vecpick':
      return visit(e.after.i);
    case 'vec':
      for (const v of e.vectors) for (const a of v) forEachRead(a, visit);
      for (const a of e.args) forEachRead(a, visit);
      return;
    case 'rand':
      for (const a of e.args) forEachRead(a, visit);
      if (e.seed) forEachRead(e.seed, visit);
      return;
    case 'delay':
      forEachRead(e.delay, visit);
      return visit(e.init.i);
    case 'belt':
      for (const a of e.args) forEachRead(a, visit);
      for (const a of e.after) visit(a.i);
      return;
  }
}
