import type { IExpr } from '../ir/ir.js';
import { Bytes, OP } from './wasm-encode.js';

/**
 * Calls worth making once per function call rather than once per element: a seasonal SIN(TIME/8)
 * or a graph of TIME in an equation over 100 areas is the same value in all of them. A call
 * qualifies when everything it reads stays the same during the function's call (numbers, TIME,
 * DT, and slots the function's program never writes); it is then computed at the start of the
 * function into a local, and every occurrence reads that local. The same operations on the same
 * inputs give the same bits, and these calls have no side effects, so results do not change.
 */
export class Hoisting {
  /** Code run first in the function: each hoisted value computed into its local. */
  readonly prologue = new Bytes();
  private readonly locals = new Map<string, number>();

  /**
   * @param firstLocal index of the first f64 local free for hoisted values
   * @param written slots the function's program writes (undefined: any slot may change, as in the start-time program)
   */
  constructor(
    private readonly firstLocal: number,
    private readonly written: Uint8Array | undefined,
  ) {}

  get count(): number {
    return this.locals.size;
  }

  /** The local holding `e`'s value, emitting its computation into the prologue on first use; undefined when `e` does not qualify. */
  local(e: IExpr, emit: (b: Bytes, e: IExpr) => void): number | undefined {
    if (!costly(e) || !this.invariant(e)) return undefined;
    const key = keyOf(e);
    let l = this.locals.get(key);
    if (l === undefined) {
      emit(this.prologue, e);
      l = this.firstLocal + this.locals.size;
      this.prologue.u8(OP.localSet).u32(l);
      this.locals.set(key, l);
    }
    return l;
  }

  private invariant(e: IExpr): boolean {
    switch (e.k) {
      case 'num':
      case 'time':
      case 'dt':
        return true;
      case 'slot':
        return this.written !== undefined && this.written[e.i] !== 1;
      case 'un':
        return this.invariant(e.a);
      case 'bin':
        return this.invariant(e.a) && this.invariant(e.b);
      case 'if':
        return this.invariant(e.c) && this.invariant(e.a) && this.invariant(e.b);
      case 'fn':
      case 'nary':
        return e.args.every((a) => this.invariant(a));
      case 'lookup':
        return this.invariant(e.x);
      default:
        return false; // random draws, DELAY outputs and vector functions have state of their own
    }
  }
}

/** Calls that leave the function (to JavaScript or to a helper): the ones worth computing once. */
function costly(e: IExpr): boolean {
  switch (e.k) {
    case 'fn':
      return e.fn !== 'abs' && e.fn !== 'sqrt' && e.fn !== 'int' && e.fn !== 'min' && e.fn !== 'max';
    case 'bin':
      return e.op === '^' || e.op === 'mod';
    case 'lookup':
      return true;
    default:
      return false;
  }
}

/** A structural key: equal keys, equal expressions (numbers by their exact value, -0 apart from 0). */
function keyOf(e: IExpr): string {
  switch (e.k) {
    case 'num':
      return Object.is(e.v, -0) ? '-0' : String(e.v);
    case 'slot':
      return `v${e.i}`;
    case 'time':
      return 't';
    case 'dt':
      return 'dt';
    case 'un':
      return `(${e.op} ${keyOf(e.a)})`;
    case 'bin':
      return `(${e.op} ${keyOf(e.a)} ${keyOf(e.b)})`;
    case 'if':
      return `(if ${keyOf(e.c)} ${keyOf(e.a)} ${keyOf(e.b)})`;
    case 'fn':
      return `(${e.fn} ${e.args.map(keyOf).join(' ')})`;
    case 'nary':
      return `(${e.op}* ${e.args.map(keyOf).join(' ')})`;
    case 'lookup':
      return `(table${e.table} ${keyOf(e.x)})`;
    default:
      throw new Error(`internal: no key for ${e.k}`);
  }
}
