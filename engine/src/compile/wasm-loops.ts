import { Bytes, Code, F64, I32, OP, SIMD, V128 } from './wasm-encode.js';

/**
 * The integrator's loops over the state, as WebAssembly functions over the kernel's memory, so a
 * step never leaves WebAssembly for long loops in JavaScript. Each computes exactly the expression
 * the JavaScript integrator writes (same operations, same order), so results do not change. Where
 * the host has SIMD they take two values at a time: f64x2 arithmetic rounds each lane exactly as
 * the scalar instruction does, so the results are the same bit for bit.
 */

export interface LoopLayout {
  /** Byte offsets: k1…k4 and s0 each hold nState doubles. */
  readonly k: readonly [number, number, number, number];
  readonly s0: number;
  readonly nState: number;
  readonly nDynamic: number;
  /** Use f64x2 instructions (the host has WebAssembly SIMD). */
  readonly simd: boolean;
}

export interface LoopFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  readonly locals: [number, number][];
  readonly body: Bytes;
}

/** `for (i = from; i < to; i += step) body(i)` over byte offsets in local `i`. */
function loop(b: Bytes, i: number, from: number, to: number, step: number, body: () => void): void {
  b.u8(OP.i32Const).s32(from).u8(OP.localSet).u32(i);
  b.u8(OP.block).u8(OP.void).u8(OP.loop).u8(OP.void);
  b.u8(OP.localGet).u32(i).u8(OP.i32Const).s32(to).u8(OP.i32GeU).u8(OP.brIf).u32(1);
  body();
  b.u8(OP.localGet).u32(i).u8(OP.i32Const).s32(step).u8(OP.i32Add).u8(OP.localSet).u32(i);
  b.u8(OP.br).u32(0).u8(OP.end).u8(OP.end);
}

/**
 * The arithmetic of a loop body on one value (f64) or two (f64x2): the same expression is written
 * once and emitted for the vector part of a loop and for its scalar tail.
 */
interface Lanes {
  /** Pushes the value(s) at byte `offset` from the loop's position. */
  load(offset: number): void;
  /** Pushes the value(s) at byte `offset` from the loop's position plus the i32 in local `l`. */
  loadShifted(l: number, offset: number): void;
  /** Pushes local `l` (an f64), spread over the lanes. */
  local(l: number): void;
  constant(x: number): void;
  add(): void;
  mul(): void;
  store(offset: number): void;
}

function lanes(b: Bytes, i: number, wide: boolean): Lanes {
  const simd = (op: number): Bytes => b.u8(OP.simd).u32(op);
  const splat = (): void => void (wide && simd(SIMD.f64x2Splat));
  const at = (offset: number): void => void (wide ? simd(SIMD.v128Load).u32(3).u32(offset) : b.u8(OP.f64Load).u32(3).u32(offset));
  return {
    load: (offset) => void (b.u8(OP.localGet).u32(i), at(offset)),
    loadShifted: (l, offset) => void (b.u8(OP.localGet).u32(i).u8(OP.localGet).u32(l).u8(OP.i32Add), at(offset)),
    local: (l) => (b.u8(OP.localGet).u32(l), splat()),
    constant: (x) => (b.u8(OP.f64Const).f64(x), splat()),
    add: () => void (wide ? simd(SIMD.f64x2Add) : b.u8(OP.f64Add)),
    mul: () => void (wide ? simd(SIMD.f64x2Mul) : b.u8(OP.f64Mul)),
    store: (offset) => void (wide ? simd(SIMD.v128Store).u32(3).u32(offset) : b.u8(OP.f64Store).u32(3).u32(offset)),
  };
}

/**
 * Loops over s < nState storing `value` at `target` + s·8 (v by default): two at a time where SIMD
 * is on, then the last one alone if nState is odd. `value` pushes the value(s) through `Lanes`.
 */
function stateLoop(name: string, params: readonly number[], n: number, simd: boolean, value: (x: Lanes) => void, target = 0): LoopFunction {
  const b = new Bytes();
  const i = params.length;
  const body = (wide: boolean) => () => {
    b.u8(OP.localGet).u32(i);
    const x = lanes(b, i, wide);
    value(x);
    x.store(target);
  };
  const pairs = simd ? Math.floor(n / 2) * 16 : 0;
  if (pairs > 0) loop(b, i, 0, pairs, 16, body(true));
  loop(b, i, pairs, n * 8, 8, body(false));
  return { name, params, results: [], locals: [[1, I32]], body: b };
}

export function loopFunctions(l: LoopLayout): LoopFunction[] {
  const [k1, k2, k3, k4] = l.k;
  const n = l.nState;
  const dt = 0;
  return [
    // v[s] = v[s] + dt * k1[s]
    stateLoop('euler', [F64], n, l.simd, (x) => (x.load(0), x.local(dt), x.load(k1), x.mul(), x.add())),
    // s0[s] = v[s]
    stateLoop('save_state', [], n, l.simd, (x) => x.load(0), l.s0),
    // v[s] = s0[s] + h * k_j[s]; local 1 is k_j's byte offset from k1
    stateLoop('stage', [F64, I32], n, l.simd, (x) => (x.load(l.s0), x.local(0), x.loadShifted(1, k1), x.mul(), x.add())),
    // v[s] = s0[s] + (dt / 2) * (k1[s] + k2[s]); the vector part multiplies by dt / 2 computed once, the same number
    halfOrSixth('rk2', l, 2, (x) => (x.load(k1), x.load(k2), x.add())),
    // v[s] = s0[s] + (dt / 6) * (k1[s] + 2 * k2[s] + 2 * k3[s] + k4[s])
    halfOrSixth('rk4', l, 6, (x) => (x.load(k1), x.constant(2), x.load(k2), x.mul(), x.add(), x.constant(2), x.load(k3), x.mul(), x.add(), x.load(k4), x.add())),
    checkSum(l.nDynamic, l.simd),
  ];
}

/** `name(dt)`: v[s] = s0[s] + (dt / by) * sum(s), dt / by computed once into local 2 (index in 1). */
function halfOrSixth(name: string, l: LoopLayout, by: number, sum: (x: Lanes) => void): LoopFunction {
  const f = stateLoop(name, [F64], l.nState, l.simd, (x) => (x.load(l.s0), x.local(2), sum(x), x.mul(), x.add()));
  const b = new Bytes();
  b.u8(OP.localGet).u32(0).u8(OP.f64Const).f64(by).u8(OP.f64Div).u8(OP.localSet).u32(2);
  b.bytes(f.body.view());
  return { ...f, locals: [[1, I32], [1, F64]], body: b };
}

/**
 * The sum of slots [0, nDynamic): non-finite when any slot is NaN or infinite. Several running sums
 * (four scalars, or four f64x2 vectors) so the additions overlap; the order does not matter, only
 * whether the total is finite.
 */
function checkSum(nDynamic: number, simd: boolean): LoopFunction {
  const b = new Bytes();
  const i = 0;
  const s = (op: number): Bytes => b.u8(OP.simd).u32(op);
  if (simd) {
    // locals: i, one f64 for the tail, four v128 sums
    const [tail, acc] = [1, (j: number): number => 2 + j];
    const blocks = Math.floor(nDynamic / 8) * 64;
    loop(b, i, 0, blocks, 64, () => {
      for (let j = 0; j < 4; j++) {
        b.u8(OP.localGet).u32(acc(j)).u8(OP.localGet).u32(i);
        s(SIMD.v128Load).u32(3).u32(j * 16);
        s(SIMD.f64x2Add).u8(OP.localSet).u32(acc(j));
      }
    });
    loop(b, i, blocks, nDynamic * 8, 8, () => {
      b.u8(OP.localGet).u32(tail).u8(OP.localGet).u32(i).u8(OP.f64Load).u32(3).u32(0).u8(OP.f64Add).u8(OP.localSet).u32(tail);
    });
    b.u8(OP.localGet).u32(acc(0)).u8(OP.localGet).u32(acc(1));
    s(SIMD.f64x2Add);
    b.u8(OP.localGet).u32(acc(2)).u8(OP.localGet).u32(acc(3));
    s(SIMD.f64x2Add);
    s(SIMD.f64x2Add).u8(OP.localTee).u32(acc(0));
    s(SIMD.f64x2ExtractLane).u8(0);
    b.u8(OP.localGet).u32(acc(0));
    s(SIMD.f64x2ExtractLane).u8(1);
    b.u8(OP.f64Add).u8(OP.localGet).u32(tail).u8(OP.f64Add);
    return { name: 'check_sum', params: [], results: [F64], locals: [[1, I32], [1, F64], [4, V128]], body: b };
  }
  const acc = (j: number): number => 1 + j;
  const quads = Math.floor(nDynamic / 4) * 32;
  loop(b, i, 0, quads, 32, () => {
    for (let j = 0; j < 4; j++) {
      b.u8(OP.localGet).u32(acc(j));
      b.u8(OP.localGet).u32(i).u8(OP.f64Load).u32(3).u32(j * 8).u8(OP.f64Add).u8(OP.localSet).u32(acc(j));
    }
  });
  loop(b, i, quads, nDynamic * 8, 8, () => {
    b.u8(OP.localGet).u32(acc(0));
    b.u8(OP.localGet).u32(i).u8(OP.f64Load).u32(3).u32(0).u8(OP.f64Add).u8(OP.localSet).u32(acc(0));
  });
  b.u8(OP.localGet).u32(acc(0)).u8(OP.localGet).u32(acc(1)).u8(OP.f64Add).u8(OP.localGet).u32(acc(2)).u8(OP.f64Add).u8(OP.localGet).u32(acc(3)).u8(OP.f64Add);
  return { name: 'check_sum', params: [], results: [F64], locals: [[1, I32], [4, F64]], body: b };
}

export interface StepFunctions {
  readonly deriv: number;
  readonly checkSum: number;
  readonly save: number;
  readonly euler: number;
  readonly saveState: number;
  readonly stage: number;
  readonly rk2: number;
  readonly rk4: number;
  /** Present when the model has PREVIOUS or DELAY inputs to capture after a step's first evaluation. */
  readonly capture?: number;
  /** Present when the model has PREVIOUS values to release after the state has advanced. */
  readonly release?: number;
  /** Present when the model has non-negative stocks (clampFunction). */
  readonly clamp?: number;
}

/**
 * `clamp()`: every non-negative stock below zero set to zero, as the integrator's
 * `if (v[s] < 0) v[s] = 0`. Stocks in runs of neighbouring slots (an arrayed stock, a chain) go two
 * at a time through f64x2.pmax(v, 0), which is exactly `v < 0 ? 0 : v` per lane (−0 and NaN stay
 * as they are); a loop per run keeps the code small (a thousand unrolled tests inside the step
 * loop measured 5 ns each).
 */
export function clampFunction(nonNegative: readonly number[], simd: boolean): LoopFunction {
  const b = new Bytes();
  const i = 0;
  const scalar = (at: () => void, offset: number): void => {
    at(), b.u8(OP.f64Load).u32(3).u32(offset).u8(OP.f64Const).f64(0).u8(OP.f64Lt).u8(OP.if).u8(OP.void);
    at(), b.u8(OP.f64Const).f64(0).u8(OP.f64Store).u32(3).u32(offset).u8(OP.end);
  };
  const slots = [...nonNegative].sort((x, y) => x - y).filter((x, j, all) => j === 0 || all[j - 1] !== x);
  for (let j = 0; j < slots.length; ) {
    let end = j + 1;
    while (end < slots.length && slots[end] === slots[end - 1]! + 1) end++;
    const from = slots[j]! * 8;
    const count = end - j;
    if (count < 4) {
      for (let q = j; q < end; q++) scalar(() => b.u8(OP.i32Const).s32(0), slots[q]! * 8);
    } else {
      const pairs = simd ? Math.floor(count / 2) * 16 : 0;
      if (pairs > 0) {
        loop(b, i, from, from + pairs, 16, () => {
          b.u8(OP.localGet).u32(i);
          b.u8(OP.localGet).u32(i).u8(OP.simd).u32(SIMD.v128Load).u32(3).u32(0);
          b.u8(OP.f64Const).f64(0).u8(OP.simd).u32(SIMD.f64x2Splat);
          b.u8(OP.simd).u32(SIMD.f64x2Pmax);
          b.u8(OP.simd).u32(SIMD.v128Store).u32(3).u32(0);
        });
      }
      if (from + pairs < from + count * 8) loop(b, i, from + pairs, from + count * 8, 8, () => scalar(() => b.u8(OP.localGet).u32(i), 0));
    }
    j = end;
  }
  return { name: 'clamp', params: [], results: [], locals: [[1, I32]], body: b };
}

/**
 * `run_steps(start, dt, k0, count, stride, method, list, n, store, column)`: steps k0 …
 * k0+count−1 of a run without leaving WebAssembly, each exactly as the integrator takes it:
 * evaluate at t = start + k·dt, check for NaN/infinity, save when k is a multiple of `stride`
 * (when n > 0: `save` of the n slots listed at `list` as save number k / stride, into the store
 * at `store`, columns `column` bytes apart), capture PREVIOUS and DELAY inputs, advance by
 * Euler, RK2 or RK4 (`method`, METHOD_CODE), clamp non-negative stocks, release PREVIOUS. Returns
 * the steps completed: fewer than `count` when the check flagged the next one (evaluated, neither
 * saved nor advanced: the integrator takes that step over and says what went wrong). Not for models
 * with `stop at`, whose end the integrator checks at every step.
 */
export function runSteps(fn: StepFunctions, k: readonly [number, number, number, number]): LoopFunction {
  const [start, dt, k0, count, stride, method, list, n, store, column] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [j, step] = [10, 11];
  const [kf, t, c] = [12, 13, 14];
  const b = new Bytes();
  const get = (l: number): Bytes => b.u8(OP.localGet).u32(l);
  const call = (f: number): Bytes => b.u8(OP.call).u32(f);
  /** deriv(at, dt, k, into): at is pushed by `at()`. */
  const deriv = (at: () => void, into: number): void => {
    at();
    get(dt), get(kf), b.u8(OP.i32Const).s32(into);
    call(fn.deriv);
  };
  const half = (): Bytes => (get(dt), b.u8(OP.f64Const).f64(2).u8(OP.f64Div));
  b.u8(OP.i32Const).s32(0).u8(OP.localSet).u32(j);
  b.u8(OP.block).u8(OP.void).u8(OP.loop).u8(OP.void);
  get(j), get(count), b.u8(OP.i32GeU).u8(OP.brIf).u32(1);
  // k = k0 + j; t = start + k · dt, exactly as the integrator computes them
  get(k0), get(j), b.u8(OP.i32Add).u8(OP.localTee).u32(step);
  b.u8(OP.f64ConvertI32U).u8(OP.localSet).u32(kf);
  get(start), get(kf), get(dt), b.u8(OP.f64Mul).u8(OP.f64Add).u8(OP.localSet).u32(t);
  deriv(() => get(t), k[0]);
  call(fn.checkSum).u8(OP.localTee).u32(c);
  get(c), b.u8(OP.f64Sub).u8(OP.f64Const).f64(0).u8(OP.f64Ne).u8(OP.if).u8(OP.void);
  get(j), b.u8(OP.return).u8(OP.end);
  // a save: n > 0 and k % stride = 0
  get(n), b.u8(OP.i32Const).s32(0).u8(OP.i32Ne);
  get(step), get(stride), b.u8(OP.i32RemU).u8(OP.i32Eqz).u8(OP.i32And);
  b.u8(OP.if).u8(OP.void);
  get(list), get(n), get(store), get(column), get(step), get(stride), b.u8(OP.i32DivU);
  call(fn.save);
  b.u8(OP.end);
  if (fn.capture !== undefined) get(step), call(fn.capture);
  // Euler (0), RK2 (1) or RK4 (2), with the integrator's stages
  get(method), b.u8(OP.i32Eqz).u8(OP.if).u8(OP.void);
  get(dt), call(fn.euler);
  b.u8(OP.else);
  call(fn.saveState);
  get(method), b.u8(OP.i32Const).s32(1).u8(OP.i32Eq).u8(OP.if).u8(OP.void);
  get(dt), b.u8(OP.i32Const).s32(0), call(fn.stage);
  deriv(() => (get(t), get(dt), b.u8(OP.f64Add)), k[1]);
  get(dt), call(fn.rk2);
  b.u8(OP.else);
  half(), b.u8(OP.i32Const).s32(0), call(fn.stage);
  deriv(() => (get(t), half(), b.u8(OP.f64Add)), k[1]);
  half(), b.u8(OP.i32Const).s32(k[1] - k[0]), call(fn.stage);
  deriv(() => (get(t), half(), b.u8(OP.f64Add)), k[2]);
  get(dt), b.u8(OP.i32Const).s32(k[2] - k[0]), call(fn.stage);
  deriv(() => (get(t), get(dt), b.u8(OP.f64Add)), k[3]);
  get(dt), call(fn.rk4);
  b.u8(OP.end);
  b.u8(OP.end);
  if (fn.clamp !== undefined) call(fn.clamp);
  if (fn.release !== undefined) call(fn.release);
  get(j), b.u8(OP.i32Const).s32(1).u8(OP.i32Add).u8(OP.localSet).u32(j);
  b.u8(OP.br).u32(0).u8(OP.end).u8(OP.end);
  get(count);
  return { name: 'run_steps', params: [F64, F64, I32, I32, I32, I32, I32, I32, I32, I32], results: [I32], locals: [[2, I32], [3, F64]], body: b };
}

/**
 * `record(list, n, at, stride)`: the current values of the n slots whose numbers are in the i32
 * list at byte offset `list`, the c-th written to `at + c · stride`. The run's shape comes in as
 * arguments, so the module stays the same for every run and is compiled once.
 */
export function recordFunction(): LoopFunction {
  const [list, n, at, stride, end] = [0, 1, 2, 3, 4];
  const c = new Code();
  c.get(list).get(n).i32(2).op(OP.i32Shl, OP.i32Add).set(end);
  c.op(OP.block, OP.void, OP.loop, OP.void);
  c.get(list).get(end).op(OP.i32GeU, OP.brIf).b.u32(1);
  c.get(at).get(list).loadI32().i32(3).op(OP.i32Shl).loadF64().storeF64();
  c.get(list).i32(4).op(OP.i32Add).set(list);
  c.get(at).get(stride).op(OP.i32Add).set(at);
  c.op(OP.br).b.u32(0);
  c.op(OP.end, OP.end);
  return { name: 'record', params: [I32, I32, I32, I32], results: [], locals: [[1, I32]], body: c.b };
}

/**
 * Saves go to the store (column by column, as RawRun.store) in blocks of this many: each save is
 * first written as one row, next to the last ones, and every SAVE_BLOCK saves the block is copied
 * into the columns. A save written straight into the columns touches one cache line per value;
 * a block fills SAVE_BLOCK values of a column at once (measured: saving takes a third of the time).
 */
export const SAVE_BLOCK = 8;

/** Byte offset of the block of rows, just after the store of n columns `column` bytes each. */
export const blockRows = (store: number, n: number, column: number): number => store + n * column;

/**
 * `save(list, n, store, column, saved)`: save number `saved` of the n listed slots (see `record`)
 * as row saved % SAVE_BLOCK of the block; when that completes the block, the block goes to the store.
 */
export function saveFunction(record: number, flush: number): LoopFunction {
  const [list, n, store, column, saved, r, rows] = [0, 1, 2, 3, 4, 5, 6];
  const c = new Code();
  c.get(store).get(n).get(column).op(OP.i32Mul, OP.i32Add).set(rows);
  c.get(saved).i32(SAVE_BLOCK - 1).op(OP.i32And).set(r);
  // record(list, n, rows + r · n · 8, 8)
  c.get(list).get(n).get(rows).get(r).get(n).op(OP.i32Mul).i32(3).op(OP.i32Shl, OP.i32Add);
  c.i32(8).call(record);
  // the block's last row: flush(n, rows, store + (saved − r) · 8, column, SAVE_BLOCK)
  c.get(r).i32(SAVE_BLOCK - 1).op(OP.i32Eq).ifThen(OP.void, () => {
    c.get(n).get(rows).get(store).get(saved).get(r).op(OP.i32Sub).i32(3).op(OP.i32Shl, OP.i32Add);
    c.get(column).i32(SAVE_BLOCK).call(flush);
  });
  return { name: 'save', params: [I32, I32, I32, I32, I32], results: [], locals: [[2, I32]], body: c.b };
}

/**
 * `flush(n, rows, at, column, filled)`: the first `filled` rows of the block (n values each, at
 * `rows`) into the columns: value c of row r goes to at + c · column + r · 8.
 */
export function flushFunction(): LoopFunction {
  const [n, rows, at, column, filled, src, dst, end, s, d, dEnd] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const c = new Code();
  c.get(rows).set(src).get(at).set(dst);
  c.get(rows).get(n).i32(3).op(OP.i32Shl, OP.i32Add).set(end);
  c.op(OP.block, OP.void, OP.loop, OP.void);
  c.get(src).get(end).op(OP.i32GeU, OP.brIf).b.u32(1);
  c.get(src).set(s).get(dst).set(d);
  c.get(dst).get(filled).i32(3).op(OP.i32Shl, OP.i32Add).set(dEnd);
  c.op(OP.block, OP.void, OP.loop, OP.void);
  c.get(d).get(dEnd).op(OP.i32GeU, OP.brIf).b.u32(1);
  c.get(d).get(s).loadF64().storeF64();
  c.get(s).get(n).i32(3).op(OP.i32Shl, OP.i32Add).set(s);
  c.get(d).i32(8).op(OP.i32Add).set(d);
  c.op(OP.br).b.u32(0);
  c.op(OP.end, OP.end);
  c.get(src).i32(8).op(OP.i32Add).set(src);
  c.get(dst).get(column).op(OP.i32Add).set(dst);
  c.op(OP.br).b.u32(0);
  c.op(OP.end, OP.end);
  return { name: 'flush', params: [I32, I32, I32, I32, I32], results: [], locals: [[6, I32]], body: c.b };
}
