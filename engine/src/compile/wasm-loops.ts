import { Bytes, F64, I32, OP } from './wasm-encode.js';

/**
 * The integrator's loops over the state, as WebAssembly functions over the kernel's memory, so a
 * step never leaves WebAssembly for long loops in JavaScript. Each computes exactly the expression
 * the JavaScript integrator writes (same operations, same order), so results do not change.
 */

export interface LoopLayout {
  /** Byte offsets: k1…k4 and s0 each hold nState doubles. */
  readonly k: readonly [number, number, number, number];
  readonly s0: number;
  readonly nState: number;
  readonly nDynamic: number;
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

const load = (b: Bytes, i: number, offset: number): Bytes => b.u8(OP.localGet).u32(i).u8(OP.f64Load).u32(3).u32(offset);

/** Loops over s < nState storing `value(i)` at `target` + s·8 (v by default); i is the byte offset s·8, local index `i`. */
function stateLoop(name: string, params: readonly number[], n: number, value: (b: Bytes, i: number) => void, target = 0): LoopFunction {
  const b = new Bytes();
  const i = params.length;
  loop(b, i, 0, n * 8, 8, () => {
    b.u8(OP.localGet).u32(i);
    value(b, i);
    b.u8(OP.f64Store).u32(3).u32(target);
  });
  return { name, params, results: [], locals: [[1, I32]], body: b };
}

export function loopFunctions(l: LoopLayout): LoopFunction[] {
  const [k1, k2, k3, k4] = l.k;
  const dt = (b: Bytes): Bytes => b.u8(OP.localGet).u32(0);
  const two = (b: Bytes): Bytes => b.u8(OP.f64Const).f64(2);
  const n = l.nState;
  return [
    // v[s] = v[s] + dt * k1[s]
    stateLoop('euler', [F64], n, (b, i) => {
      load(b, i, 0);
      dt(b);
      load(b, i, k1).u8(OP.f64Mul).u8(OP.f64Add);
    }),
    // s0[s] = v[s]
    stateLoop('save_state', [], n, (b, i) => load(b, i, 0), l.s0),
    // v[s] = s0[s] + h * k_j[s]; local 1 is k_j's byte offset from k1
    stateLoop('stage', [F64, I32], n, (b, i) => {
      load(b, i, l.s0);
      dt(b);
      b.u8(OP.localGet).u32(i).u8(OP.localGet).u32(1).u8(OP.i32Add).u8(OP.f64Load).u32(3).u32(k1);
      b.u8(OP.f64Mul).u8(OP.f64Add);
    }),
    // v[s] = s0[s] + (dt / 2) * (k1[s] + k2[s])
    stateLoop('rk2', [F64], n, (b, i) => {
      load(b, i, l.s0);
      dt(b).u8(OP.f64Const).f64(2).u8(OP.f64Div);
      load(b, i, k1);
      load(b, i, k2).u8(OP.f64Add).u8(OP.f64Mul).u8(OP.f64Add);
    }),
    // v[s] = s0[s] + (dt / 6) * (k1[s] + 2 * k2[s] + 2 * k3[s] + k4[s])
    stateLoop('rk4', [F64], n, (b, i) => {
      load(b, i, l.s0);
      dt(b).u8(OP.f64Const).f64(6).u8(OP.f64Div);
      load(b, i, k1);
      two(b);
      load(b, i, k2).u8(OP.f64Mul).u8(OP.f64Add);
      two(b);
      load(b, i, k3).u8(OP.f64Mul).u8(OP.f64Add);
      load(b, i, k4).u8(OP.f64Add);
      b.u8(OP.f64Mul).u8(OP.f64Add);
    }),
    checkSum(l.nDynamic),
  ];
}

/** The sum of slots [0, nDynamic) in four running sums: non-finite when any slot is NaN or infinite. */
function checkSum(nDynamic: number): LoopFunction {
  const b = new Bytes();
  const i = 0;
  const acc = (j: number): number => 1 + j;
  const quads = Math.floor(nDynamic / 4) * 32;
  loop(b, i, 0, quads, 32, () => {
    for (let j = 0; j < 4; j++) {
      b.u8(OP.localGet).u32(acc(j));
      load(b, i, j * 8).u8(OP.f64Add).u8(OP.localSet).u32(acc(j));
    }
  });
  loop(b, i, quads, nDynamic * 8, 8, () => {
    b.u8(OP.localGet).u32(acc(0));
    load(b, i, 0).u8(OP.f64Add).u8(OP.localSet).u32(acc(0));
  });
  b.u8(OP.localGet).u32(acc(0)).u8(OP.localGet).u32(acc(1)).u8(OP.f64Add).u8(OP.localGet).u32(acc(2)).u8(OP.f64Add).u8(OP.localGet).u32(acc(3)).u8(OP.f64Add);
  return { name: 'check_sum', params: [], results: [F64], locals: [[1, I32], [4, F64]], body: b };
}

/** The integration methods `run_steps` takes, by number. */
export const METHOD_CODE = { euler: 0, rk2: 1, rk4: 2 } as const;

export interface StepFunctions {
  readonly deriv: number;
  readonly checkSum: number;
  readonly record: number;
  readonly euler: number;
  readonly saveState: number;
  readonly stage: number;
  readonly rk2: number;
  readonly rk4: number;
  /** Present when the model has PREVIOUS or DELAY inputs to capture after a step's first evaluation. */
  readonly capture?: number;
  /** Present when the model has PREVIOUS values to release after the state has advanced. */
  readonly release?: number;
}

/**
 * `run_steps(start, dt, k0, count, stride, method, list, n, store, column)`: steps k0 …
 * k0+count−1 of a run without leaving WebAssembly, each exactly as the integrator takes it:
 * evaluate at t = start + k·dt, check for NaN/infinity, save when k is a multiple of `stride`
 * (when n > 0: the values of the n slots listed at `list` go to `store` + (k / stride)·8, columns
 * `column` bytes apart, as `record` writes them), capture PREVIOUS and DELAY inputs, advance by
 * Euler, RK2 or RK4 (`method`, METHOD_CODE), clamp non-negative stocks, release PREVIOUS. Returns
 * the steps completed: fewer than `count` when the check flagged the next one (evaluated, neither
 * saved nor advanced: the integrator takes that step over and says what went wrong). Not for models
 * with `stop at`, whose end the integrator checks at every step.
 */
export function runSteps(fn: StepFunctions, k: readonly [number, number, number, number], nonNegative: readonly number[]): LoopFunction {
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
  get(list), get(n), get(store), get(step), get(stride), b.u8(OP.i32DivU).u8(OP.i32Const).s32(3).u8(OP.i32Shl).u8(OP.i32Add), get(column);
  call(fn.record);
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
  for (const s of nonNegative) {
    b.u8(OP.i32Const).s32(0).u8(OP.f64Load).u32(3).u32(s * 8).u8(OP.f64Const).f64(0).u8(OP.f64Lt).u8(OP.if).u8(OP.void);
    b.u8(OP.i32Const).s32(0).u8(OP.f64Const).f64(0).u8(OP.f64Store).u32(3).u32(s * 8).u8(OP.end);
  }
  if (fn.release !== undefined) call(fn.release);
  get(j), b.u8(OP.i32Const).s32(1).u8(OP.i32Add).u8(OP.localSet).u32(j);
  b.u8(OP.br).u32(0).u8(OP.end).u8(OP.end);
  get(count);
  return { name: 'run_steps', params: [F64, F64, I32, I32, I32, I32, I32, I32, I32, I32], results: [I32], locals: [[2, I32], [3, F64]], body: b };
}

/**
 * `record(list, n, at, stride)`: one save of a run, written where the values already are. Slot
 * numbers are read from the i32 list at byte offset `list` (n of them); the value of the c-th goes
 * to `at + c · stride` (the store is column by column, `stride` bytes per column). The run's shape
 * comes in as arguments, so the module stays the same for every run and is compiled once.
 */
export function recordFunction(): LoopFunction {
  const [list, n, at, stride, end] = [0, 1, 2, 3, 4];
  const b = new Bytes();
  const get = (l: number): Bytes => b.u8(OP.localGet).u32(l);
  get(list), get(n), b.u8(OP.i32Const).s32(2).u8(OP.i32Shl).u8(OP.i32Add).u8(OP.localSet).u32(end);
  b.u8(OP.block).u8(OP.void).u8(OP.loop).u8(OP.void);
  get(list), get(end), b.u8(OP.i32GeU).u8(OP.brIf).u32(1);
  get(at);
  get(list), b.u8(OP.i32Load).u32(2).u32(0).u8(OP.i32Const).s32(3).u8(OP.i32Shl).u8(OP.f64Load).u32(3).u32(0);
  b.u8(OP.f64Store).u32(3).u32(0);
  get(list), b.u8(OP.i32Const).s32(4).u8(OP.i32Add).u8(OP.localSet).u32(list);
  get(at), get(stride), b.u8(OP.i32Add).u8(OP.localSet).u32(at);
  b.u8(OP.br).u32(0).u8(OP.end).u8(OP.end);
  return { name: 'record', params: [I32, I32, I32, I32], results: [], locals: [[1, I32]], body: b };
}
