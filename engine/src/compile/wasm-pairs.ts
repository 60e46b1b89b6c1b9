import type { IExpr } from '../ir/ir.js';
import { Bytes, OP, SIMD } from './wasm-encode.js';

/**
 * Two neighbouring equations computed as one f64x2 expression, as gcc's straight-line vectoriser
 * does with our C: elements i and i+1 of an apply-to-all array have the same equation over
 * neighbouring slots, so one `v128.load` reads both elements' inputs, one `f64x2.div` divides both,
 * and one `v128.store` writes both results. Each lane rounds exactly as the scalar instruction
 * does, so the numbers are the same as one equation at a time.
 */

/** Operations with an f64x2 instruction computing each lane as the scalar one does. */
const BINARY = { '+': SIMD.f64x2Add, '-': SIMD.f64x2Sub, '*': SIMD.f64x2Mul, '/': SIMD.f64x2Div } as const;
const NARY = { sum: SIMD.f64x2Add, prod: SIMD.f64x2Mul, min: SIMD.f64x2Min, max: SIMD.f64x2Max } as const;
const UNARY_FN = { abs: SIMD.f64x2Abs, sqrt: SIMD.f64x2Sqrt, int: SIMD.f64x2Floor } as const;

/**
 * Whether `b` is `a` one slot on: the same operations, each slot read by `b` the next one (or the
 * same one), numbers anywhere (each reads its own literal). `targets` are the two slots written:
 * neither may be read, since both lanes read their inputs before either result is stored.
 */
export function pairable(a: IExpr, b: IExpr, targets: readonly [number, number]): boolean {
  switch (a.k) {
    case 'num':
      return b.k === 'num';
    case 'slot':
      return b.k === 'slot' && (b.i === a.i + 1 || b.i === a.i) && a.i !== targets[0] && a.i !== targets[1] && b.i !== targets[0] && b.i !== targets[1];
    case 'time':
    case 'dt':
      return b.k === a.k;
    case 'un':
      return b.k === 'un' && a.op === '-' && b.op === '-' && pairable(a.a, b.a, targets);
    case 'bin':
      return b.k === 'bin' && a.op === b.op && a.op in BINARY && pairable(a.a, b.a, targets) && pairable(a.b, b.b, targets);
    case 'nary':
      return b.k === 'nary' && a.op === b.op && a.args.length === b.args.length && a.args.every((x, i) => pairable(x, b.args[i]!, targets));
    case 'fn':
      return b.k === 'fn' && a.fn === b.fn && a.args.length === b.args.length && (a.fn in UNARY_FN ? a.args.length === 1 : a.fn === 'min' || a.fn === 'max') && a.args.every((x, i) => pairable(x, b.args[i]!, targets));
    default:
      return false;
  }
}

/** Where the pair's leaves come from: literal pool entries (two per number, a's then b's) and t, dt in locals 0 and 1. */
export interface PairSources {
  /** Byte offset of the next two pool entries, taking a's number and b's. */
  literalPair(x: number, y: number): number;
}

const simd = (out: Bytes, op: number): Bytes => out.u8(OP.simd).u32(op);

/** Pushes the f64x2 value [a, b] of a pair `pairable` accepted. */
export function emitPair(out: Bytes, a: IExpr, b: IExpr, sources: PairSources): void {
  const x = (p: IExpr, q: IExpr): void => emitPair(out, p, q, sources);
  switch (a.k) {
    case 'num':
      out.u8(OP.i32Const).s32(0);
      simd(out, SIMD.v128Load).u32(3).u32(sources.literalPair(a.v, (b as { v: number }).v));
      return;
    case 'slot': {
      const j = (b as { i: number }).i;
      out.u8(OP.i32Const).s32(0);
      if (j === a.i + 1) simd(out, SIMD.v128Load).u32(3).u32(a.i * 8);
      else simd(out.u8(OP.f64Load).u32(3).u32(a.i * 8), SIMD.f64x2Splat);
      return;
    }
    case 'time':
    case 'dt':
      simd(out.u8(OP.localGet).u32(a.k === 'time' ? 0 : 1), SIMD.f64x2Splat);
      return;
    case 'un':
      x(a.a, (b as typeof a).a);
      simd(out, SIMD.f64x2Neg);
      return;
    case 'bin':
      x(a.a, (b as typeof a).a);
      x(a.b, (b as typeof a).b);
      simd(out, BINARY[a.op as keyof typeof BINARY]);
      return;
    case 'nary':
      a.args.forEach((p, i) => (x(p, (b as typeof a).args[i]!), i > 0 && simd(out, NARY[a.op])));
      return;
    case 'fn':
      a.args.forEach((p, i) => (x(p, (b as typeof a).args[i]!), i > 0 && simd(out, a.fn === 'min' ? SIMD.f64x2Min : SIMD.f64x2Max)));
      if (a.fn in UNARY_FN) simd(out, UNARY_FN[a.fn as keyof typeof UNARY_FN]);
      return;
    default:
      throw new Error(`internal: ${a.k} is not computed in pairs`);
  }
}
