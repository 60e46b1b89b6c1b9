import { TIME_EPSILON } from '../runtime/functions.js';
import { Code, encodeModule, F64, I32, OP, type FuncType } from './wasm-encode.js';

/**
 * Graphical functions and DELAY pipelines as WebAssembly, over data in the kernel's memory: a
 * call from the kernel to JavaScript and back costs more than the lookup itself, and models call
 * them for every element of every step. Each function is runtime/functions.ts's, operation for
 * operation (IEEE arithmetic is the same in both), so all backends still agree bit for bit.
 *
 * One small module, compiled once, instantiated over each kernel's memory; the kernel modules
 * import its functions (a call between WebAssembly modules stays in WebAssembly).
 *
 * Data layout (byte offsets): a table descriptor is three i32s — where its xs and its ys start
 * (f64 each) and how many points it has. A run header is two i32s — where the DELAY histories
 * start and the bytes between two pipelines' histories (one f64 per step of the run).
 */

/** Bytes of one table descriptor in memory. */
export const TABLE_DESCRIPTOR_BYTES = 16;
/** Bytes of the run header (history base and stride). */
export const RUN_HEADER_BYTES = 8;

export type HelperName = 'lookup_continuous' | 'lookup_extrapolate' | 'lookup_discrete' | 'delay';

/** Signatures the kernel modules import the helpers with. */
export const HELPER_TYPES: Readonly<Record<HelperName, FuncType>> = {
  // (x, descriptor address) → y
  lookup_continuous: { params: [F64, I32], results: [F64] },
  lookup_extrapolate: { params: [F64, I32], results: [F64] },
  lookup_discrete: { params: [F64, I32], results: [F64] },
  // (delay time, initial value, t, dt, start, pipeline number, run header address) → output
  delay: { params: [F64, F64, F64, F64, F64, I32, I32], results: [F64] },
};

const SEGMENT = 0;

/** segment(x, xs, n): index of the last point with xs[i] ≤ x (−1 below the table), by bisection. */
function segment(): Code {
  const [x, xs, n, lo, hi, mid] = [0, 1, 2, 3, 4, 5];
  const c = new Code();
  c.get(n).i32(1).op(OP.i32Sub).set(hi);
  c.get(x).get(xs).loadF64().op(OP.f64Lt).ifThen(OP.void, () => c.i32(-1).ret());
  c.get(x).element(xs, hi).loadF64().op(OP.f64Ge).ifThen(OP.void, () => c.get(hi).ret());
  c.i32(0).set(lo);
  c.op(OP.block, OP.void, OP.loop, OP.void);
  c.get(hi).get(lo).op(OP.i32Sub).i32(1).op(OP.i32LeS, OP.brIf).b.u32(1);
  c.get(lo).get(hi).op(OP.i32Add).i32(1).op(OP.i32ShrS).set(mid);
  c.element(xs, mid).loadF64().get(x).op(OP.f64Le);
  c.op(OP.if, OP.void).get(mid).set(lo).op(OP.else).get(mid).set(hi).op(OP.end);
  c.op(OP.br).b.u32(0);
  c.op(OP.end, OP.end);
  c.get(lo);
  return c;
}

// Lookup locals: 0 x, 1 descriptor, then xs, ys, n, i (i32) and x0 (f64).
const [X, DESC, XS, YS, N, I, X0] = [0, 1, 2, 3, 4, 5, 6];
const LOOKUP_LOCALS: [number, number][] = [[4, I32], [1, F64]];

function readDescriptor(c: Code): void {
  c.get(DESC).loadI32(0).set(XS);
  c.get(DESC).loadI32(4).set(YS);
  c.get(DESC).loadI32(8).set(N);
}

/** ys[i] + ((ys[i+1] − ys[i]) · (x − xs[i])) / (xs[i+1] − xs[i]), with i in local I. */
function interpolate(c: Code): void {
  c.element(XS, I).loadF64().set(X0);
  c.element(YS, I).loadF64();
  c.element(YS, I).loadF64(8).element(YS, I).loadF64().op(OP.f64Sub);
  c.get(X).get(X0).op(OP.f64Sub, OP.f64Mul);
  c.element(XS, I).loadF64(8).get(X0).op(OP.f64Sub, OP.f64Div, OP.f64Add);
}

/** If x is NaN, return it (lookups pass NaN through). */
function nanPassesThrough(c: Code): void {
  c.get(X).get(X).op(OP.f64Ne).ifThen(OP.void, () => c.get(X).ret());
}

function lookupContinuous(): Code {
  const c = new Code();
  readDescriptor(c);
  nanPassesThrough(c);
  c.get(X).get(XS).loadF64().op(OP.f64Le).ifThen(OP.void, () => c.get(YS).loadF64().ret());
  c.get(N).i32(1).op(OP.i32Sub).set(I);
  c.get(X).element(XS, I).loadF64().op(OP.f64Ge).ifThen(OP.void, () => c.element(YS, I).loadF64().ret());
  c.get(X).get(XS).get(N).call(SEGMENT).set(I);
  interpolate(c);
  return c;
}

function lookupExtrapolate(): Code {
  const c = new Code();
  readDescriptor(c);
  c.get(N).i32(1).op(OP.i32Eq).ifThen(OP.void, () => c.get(YS).loadF64().ret());
  nanPassesThrough(c);
  c.get(X).get(XS).get(N).call(SEGMENT).set(I);
  c.get(I).i32(0).op(OP.i32LtS).ifThen(OP.void, () => c.i32(0).set(I));
  c.get(I).get(N).i32(1).op(OP.i32Sub, OP.i32GeS).ifThen(OP.void, () => c.get(N).i32(2).op(OP.i32Sub).set(I));
  interpolate(c);
  return c;
}

function lookupDiscrete(): Code {
  const c = new Code();
  readDescriptor(c);
  nanPassesThrough(c);
  c.get(X).get(XS).get(N).call(SEGMENT).set(I);
  c.get(I).i32(0).op(OP.i32LtS).ifThen(OP.void, () => c.i32(0).set(I));
  c.element(YS, I).loadF64();
  return c;
}

/** delayOutput of runtime/functions.ts over the pipeline's history in memory. */
function delay(): Code {
  const [delayTime, initial, t, dt, start, site, header, d, p, i, frac, at] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const c = new Code();
  // d = delay > dt ? delay : dt  (NaN: dt, as in JavaScript)
  c.get(delayTime).get(dt).get(delayTime).get(dt).op(OP.f64Gt, OP.select).set(d);
  c.get(t).get(d).op(OP.f64Sub).get(start).op(OP.f64Sub).get(dt).op(OP.f64Div).set(p);
  c.get(p).f64(-TIME_EPSILON).op(OP.f64Lt).ifThen(OP.void, () => c.get(initial).ret());
  c.get(p).f64(TIME_EPSILON).op(OP.f64Add, OP.f64Floor).set(i);
  c.get(p).get(i).op(OP.f64Sub).set(frac);
  // The address of history[i]: the run header's base + pipeline · stride + i · 8. p ≥ −ε here, so
  // 0 ≤ i ≤ the step number (the saturating conversion cannot trap in any case).
  c.get(i).op(OP.misc).b.u32(2);
  c.i32(3).op(OP.i32Shl).get(header).loadI32(0).op(OP.i32Add);
  c.get(site).get(header).loadI32(4).op(OP.i32Mul, OP.i32Add).set(at);
  c.get(frac).f64(TIME_EPSILON).op(OP.f64Le).ifThen(OP.void, () => c.get(at).loadF64().ret());
  // history[i] + frac · (history[i + 1] − history[i])
  c.get(at).loadF64().get(frac).get(at).loadF64(8).get(at).loadF64().op(OP.f64Sub, OP.f64Mul, OP.f64Add);
  return c;
}

export const HELPER_ORDER: readonly HelperName[] = ['lookup_continuous', 'lookup_extrapolate', 'lookup_discrete', 'delay'];

/** The helpers module's bytes: it imports the memory (of at least `pages`) and exports every helper. */
export function helperModule(pages: number): Uint8Array {
  const types: FuncType[] = [{ params: [F64, I32, I32], results: [I32] }, ...HELPER_ORDER.map((h) => HELPER_TYPES[h])];
  const bodies: Code[] = [lookupContinuous(), lookupExtrapolate(), lookupDiscrete(), delay()];
  const locals: [number, number][][] = [LOOKUP_LOCALS, LOOKUP_LOCALS, LOOKUP_LOCALS, [[4, F64], [1, I32]]];
  const functions = [
    { type: 0, locals: [[3, I32]] as [number, number][], body: segment().b },
    ...bodies.map((c, i) => ({ type: i + 1, locals: locals[i]!, body: c.b })),
  ];
  return encodeModule({ types, imports: [], functions, memoryPages: pages, exports: HELPER_ORDER.map((h, i) => [h, i + 1] as const) });
}
