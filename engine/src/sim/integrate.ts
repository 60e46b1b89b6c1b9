import type { Method } from '../language/ast.js';
import type { ModelIR } from '../ir/ir.js';
import { streamFor } from '../runtime/functions.js';
import { runPlan } from './plan.js';
import { createBelts } from '../runtime/belts.js';
import type { IntegratorOps, Kernel, RunBuffers, Workspace } from './kernel.js';

export interface IntegrationSettings {
  readonly start: number;
  readonly stop: number;
  readonly dt: number;
  readonly saveEvery: number;
  readonly method: Method;
  readonly seed: number;
}

/** Where a value first stopped being a finite number. */
export interface NonFiniteValue {
  readonly slot: number;
  readonly time: number;
  readonly value: number;
}

export interface RawRun {
  readonly times: Float64Array;
  /** Every saved value, column by column: recorded slot c at save n is store[c · times.length + n]. */
  readonly store: Float64Array;
  /** Saved times actually filled (fewer than times.length if the run stopped early). */
  readonly saved: number;
  readonly nonFinite?: NonFiniteValue;
}

/** The saved values of recorded slot `c` (a view into the store, all of `times`' length). */
export function savedColumn(raw: RawRun, c: number): Float64Array {
  const n = raw.times.length;
  return raw.store.subarray(c * n, (c + 1) * n);
}

/**
 * Integrates a kernel with the usual system-dynamics semantics: all values at time t are computed
 * from the stocks at t; the stocks then advance by Euler, RK2 (Heun) or RK4. Values are saved at
 * start + n·saveEvery. The run stops at the first NaN or infinity, reporting where it appeared.
 */
export function integrate(ir: ModelIR, kernel: Kernel, settings: IntegrationSettings, overrides: Float64Array, record: readonly number[] | Int32Array): RawRun {
  const { start, dt, method } = settings;
  const steps = Math.round((settings.stop - start) / dt);
  const saveStride = Math.max(1, Math.round(settings.saveEvery / dt));
  const nSaved = Math.floor(steps / saveStride) + 1;
  const times = new Float64Array(nSaved);
  // Per-run setup is kept small: a sensitivity sweep makes thousands of runs, a tiny model's run takes microseconds.
  const plan = runPlan(ir);
  const recordSlots = record instanceof Int32Array ? record : Int32Array.from(record);
  const nDynamic = ir.nDynamic;
  const nonNegative = plan.nonNegative;
  const stopAt = ir.stopAt;
  const nSlots = ir.slots.length;
  const nState = ir.nState;
  const workspace = kernel.workspace?.({ steps, slots: recordSlots, nSaved }) ?? freshWorkspace(nSlots, nState);
  const { v, k1, k2, k3, k4 } = workspace;
  const ops = workspace.ops ?? javascriptOps(workspace, nState, nDynamic);
  // One buffer for every saved value (8 bytes each); the series are views of it. A kernel that
  // records itself hands over its copy at the end instead.
  const recordInKernel = workspace.record;
  const store = recordInKernel ? EMPTY : new Float64Array(record.length * nSaved);
  const finish = (saved: number, nonFinite?: NonFiniteValue): RawRun => {
    const all = workspace.store ? workspace.store(saved) : store;
    return nonFinite ? { times, store: all, saved, nonFinite } : { times, store: all, saved };
  };
  const buffers: RunBuffers = {
    history: workspace.keepsHistory ? [] : ir.delays.map(() => new Float64Array(steps + 1)),
    streams: randomStreams(settings.seed, ir.randomSites),
    pending: new Float64Array(ir.previous.length),
    belts: createBelts(ir.belts, steps),
  };

  // Constants written as INF are intended (e.g. unlimited capacity); any other infinity is a fault.
  const intendedInfinite = plan.intendedInfinite;
  kernel.init(v, overrides, start, dt, buffers);
  const initialProblem = firstNonFinite(v, 0, nSlots, (slot) => intendedInfinite.has(slot));
  if (initialProblem >= 0) return finish(0, { slot: initialProblem, time: start, value: v[initialProblem]! });

  let saved = 0;
  const runSteps = workspace.runSteps;
  for (let k = 0; k <= steps; k++) {
    if (runSteps !== undefined && k < steps && (recordInKernel !== undefined || k % saveStride !== 0)) {
      // As many steps as the kernel can take without JavaScript: to the last one when it saves the
      // values itself, else up to the next save. A step the check flags is left to the loop below,
      // which evaluates it again and reports it (or, for an overflowing sum of finite values, carries on).
      const end = recordInKernel !== undefined ? steps : Math.min(steps, (Math.floor(k / saveStride) + 1) * saveStride);
      const done = runSteps(start, dt, k, end - k, saveStride, method, recordInKernel !== undefined);
      if (recordInKernel !== undefined) for (let m = Math.ceil(k / saveStride) * saveStride; m < k + done; m += saveStride) times[saved++] = start + m * dt;
      k += done;
    }
    const t = start + k * dt;
    kernel.deriv(v, t, dt, k, k1, buffers);
    const check = ops.checkSum();
    if (check - check !== 0) {
      // A cheap sum flags NaN/infinity anywhere (or finite values overflowing the sum: rescan to be sure).
      const slot = firstNonFinite(v, 0, nDynamic, () => false);
      if (slot >= 0) return finish(saved, { slot, time: t, value: v[slot]! });
    }
    // A `stop at` variable ends the run once TIME reaches its value (that time is saved too).
    const stopping = stopAt !== undefined && t >= v[stopAt]! - 1e-9 * dt;
    if (k % saveStride === 0 || (stopping && saved < nSaved)) {
      times[saved] = t;
      if (recordInKernel) recordInKernel(saved);
      else saveInto(store, v, recordSlots, nSaved, saved);
      saved++;
    }
    if (k === steps || stopping) break;
    kernel.capture(v, k, buffers);
    switch (method) {
      case 'euler':
        ops.euler(dt);
        break;
      case 'rk2':
        ops.saveState();
        ops.stage(dt, 1);
        kernel.deriv(v, t + dt, dt, k, k2, buffers);
        ops.rk2(dt);
        break;
      case 'rk4':
        ops.saveState();
        ops.stage(dt / 2, 1);
        kernel.deriv(v, t + dt / 2, dt, k, k2, buffers);
        ops.stage(dt / 2, 2);
        kernel.deriv(v, t + dt / 2, dt, k, k3, buffers);
        ops.stage(dt, 3);
        kernel.deriv(v, t + dt, dt, k, k4, buffers);
        ops.rk4(dt);
        break;
    }
    // Outflow limits keep most non-negative stocks at or above zero; negative inflows and flows
    // shared between stocks can still overshoot, so clamp.
    for (let i = 0; i < nonNegative.length; i++) if (v[nonNegative[i]!]! < 0) v[nonNegative[i]!] = 0;
    kernel.release(v, buffers);
  }
  return finish(saved);
}

const EMPTY = new Float64Array(0);

/** Save number `saved` of the recorded slots into a store laid out column by column, nSaved rows. */
export function saveInto(store: Float64Array, v: Float64Array, slots: Int32Array, nSaved: number, saved: number): void {
  for (let c = 0, at = saved; c < slots.length; c++, at += nSaved) store[at] = v[slots[c]!]!;
}

function randomStreams(seed: number, sites: number): Int32Array {
  const streams = new Int32Array(sites);
  for (let site = 0; site < sites; site++) streams[site] = streamFor(seed, site);
  return streams;
}

/** The first slot in [from, to) holding NaN or an infinity that is not allowed. */
function firstNonFinite(v: Float64Array, from: number, to: number, infinityAllowed: (slot: number) => boolean): number {
  for (let s = from; s < to; s++) {
    const x = v[s]!;
    if (x !== x) return s;
    if ((x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) && !infinityAllowed(s)) return s;
  }
  return -1;
}

/** Zeroed state arrays for a kernel without a workspace of its own (or one keeping them across runs). */
export function freshWorkspace(nSlots: number, nState: number): Workspace {
  const state = (): Float64Array => new Float64Array(nState);
  return { v: new Float64Array(nSlots), k1: state(), k2: state(), k3: state(), k4: state(), s0: state() };
}

/** The integrator's loops in JavaScript, for kernels whose arrays are plain Float64Arrays. */
function javascriptOps(w: Workspace, nState: number, nDynamic: number): IntegratorOps {
  const { v, k1, k2, k3, k4, s0 } = w;
  const ks = [k1, k2, k3] as const;
  return {
    checkSum() {
      // Four running sums, not one: one sum is a chain of dependent additions, four overlap.
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      let s = 0;
      for (; s + 3 < nDynamic; s += 4) {
        c0 += v[s]!;
        c1 += v[s + 1]!;
        c2 += v[s + 2]!;
        c3 += v[s + 3]!;
      }
      for (; s < nDynamic; s++) c0 += v[s]!;
      return c0 + c1 + c2 + c3;
    },
    euler(dt) {
      for (let s = 0; s < nState; s++) v[s] = v[s]! + dt * k1[s]!;
    },
    saveState() {
      for (let s = 0; s < nState; s++) s0[s] = v[s]!;
    },
    stage(h, which) {
      const kj = ks[which - 1];
      for (let s = 0; s < nState; s++) v[s] = s0[s]! + h * kj[s]!;
    },
    rk2(dt) {
      for (let s = 0; s < nState; s++) v[s] = s0[s]! + (dt / 2) * (k1[s]! + k2[s]!);
    },
    rk4(dt) {
      for (let s = 0; s < nState; s++) v[s] = s0[s]! + (dt / 6) * (k1[s]! + 2 * k2[s]! + 2 * k3[s]! + k4[s]!);
    },
  };
}
