import type { Method } from '../language/ast.js';
import type { BeltState } from '../runtime/belts.js';

/** The integration methods by number, as the kernels' whole-run functions take them. */
export const METHOD_CODE = { euler: 0, rk2: 1, rk4: 2 } as const satisfies Record<Method, number>;

/** Per-run buffers the kernel reads besides the slot array. */
export interface RunBuffers {
  /** DELAY pipelines: the recorded input at every step, one array per DELAY. */
  readonly history: Float64Array[];
  /** Random streams: one per random call site, derived from the run seed. */
  readonly streams: Int32Array;
  /** PREVIOUS values remembered during a step. */
  readonly pending: Float64Array;
  /** Conveyors and queues: their belts and lines of batches, one per element. */
  readonly belts: readonly BeltState[];
}

/**
 * What the integrator needs from a model: implemented by generated code (the fast path) and by the
 * reference interpreter (for tests). All functions work in place and allocate nothing.
 */
export interface Kernel {
  /** Sets every slot to its value at the start time; `overrides[s]` replaces a parameter unless NaN. */
  init(v: Float64Array, overrides: Float64Array, t: number, dt: number, buffers: RunBuffers): void;
  /** Computes every changing value at time t from the state in v, and the state derivatives into d. */
  deriv(v: Float64Array, t: number, dt: number, step: number, d: Float64Array, buffers: RunBuffers): void;
  /** After the first evaluation of a step: remember PREVIOUS inputs and record DELAY inputs. */
  capture(v: Float64Array, step: number, buffers: RunBuffers): void;
  /** After the state has advanced: PREVIOUS slots take the values remembered by capture. */
  release(v: Float64Array, buffers: RunBuffers): void;
  /**
   * Zeroed arrays for one run of this shape, where the kernel works fastest on them (a WebAssembly
   * kernel hands out views of its own memory, so no value is copied per step, and may keep the
   * DELAY histories and the saved values there too). Without it the integrator allocates plain
   * Float64Arrays. Valid until the next call.
   */
  workspace?(shape: RunShape): Workspace;
}

/** What one run needs room for: its steps (DELAY histories) and the slots it saves, `nSaved` times. */
export interface RunShape {
  readonly steps: number;
  readonly slots: Int32Array;
  readonly nSaved: number;
}

/** The integrator's arrays: every slot, and the derivative stages and saved state of RK methods. */
export interface Workspace {
  readonly v: Float64Array;
  readonly k1: Float64Array;
  readonly k2: Float64Array;
  readonly k3: Float64Array;
  readonly k4: Float64Array;
  readonly s0: Float64Array;
  /** The integrator's loops over these arrays, run where the arrays live (same arithmetic, same order). */
  readonly ops?: IntegratorOps;
  /**
   * Saves the recorded slots' current values as save number `saved`, inside the kernel (so a save
   * of thousands of values is one call, not a loop over a view from JavaScript).
   */
  readonly record?: (saved: number) => void;
  /**
   * After the run: every saved value, column by column as RawRun.store (a copy the caller owns);
   * saves from `saved` on, not reached, are 0. Present exactly when `record` is.
   */
  readonly store?: (saved: number) => Float64Array;
  /** The kernel keeps the DELAY histories itself: the run's `buffers.history` is not used. */
  readonly keepsHistory?: boolean;
  /**
   * Steps k0 … k0+count−1 taken inside the kernel, each as the integrator takes it (evaluate,
   * check, save when `record` says the kernel saves and the step is a multiple of `saveStride`,
   * capture, advance by `method`, clamp, release); one call instead of several per step. Returns
   * the steps completed: fewer than count when the check flagged the next one (evaluated, not
   * saved or advanced). `record` only where the workspace has `record`; without it the caller
   * keeps save steps out of the range. Offered only for models without `stop at`.
   */
  readonly runSteps?: (start: number, dt: number, k0: number, count: number, saveStride: number, method: Method, record: boolean) => number;
}

export interface IntegratorOps {
  /** A sum of slots [0, nDynamic): not finite when any of them is NaN or infinite (or the sum overflows). */
  checkSum(): number;
  /** v[s] = v[s] + dt · k1[s] */
  euler(dt: number): void;
  /** s0[s] = v[s] */
  saveState(): void;
  /** v[s] = s0[s] + h · k_which[s] */
  stage(h: number, which: 1 | 2 | 3): void;
  /** v[s] = s0[s] + (dt / 2) · (k1[s] + k2[s]) */
  rk2(dt: number): void;
  /** v[s] = s0[s] + (dt / 6) · (k1[s] + 2·k2[s] + 2·k3[s] + k4[s]) */
  rk4(dt: number): void;
}
