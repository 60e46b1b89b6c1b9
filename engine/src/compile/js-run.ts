import type { ModelIR } from '../ir/ir.js';
import { freshWorkspace, saveInto } from '../sim/integrate.js';
import { METHOD_CODE, type Kernel, type RunBuffers, type RunShape, type Workspace } from '../sim/kernel.js';

/** The arrays a generated kernel's `run` works on (a Workspace's). */
type RunArrays = Pick<Workspace, 'v' | 'k1' | 'k2' | 'k3' | 'k4' | 's0'>;

/** The generated JavaScript's whole-run function (see runFunction in codegen.ts). */
export type GeneratedRun = (w: RunArrays, b: RunBuffers, start: number, dt: number, k0: number, count: number, stride: number, method: number, store: Float64Array | null, nSaved: number, slots: Int32Array) => number;

export interface GeneratedKernel extends Kernel {
  readonly run: GeneratedRun;
}

/**
 * A generated JavaScript kernel with a workspace of its own: fresh arrays per run, the saved
 * values kept in the run's own store, and whole runs taken by the generated `run` (one call per
 * run instead of several per step). Models with `stop at` keep the integrator's loop, which checks
 * their end at every step.
 */
export function withRunWorkspace(ir: ModelIR, generated: GeneratedKernel): Kernel {
  const { init, deriv, capture, release, run } = generated;
  const nSlots = ir.slots.length;
  const nState = ir.nState;
  // The buffers of the run being taken: the integrator hands them to init, before any step.
  let current: RunBuffers | undefined;
  let arrays: RunArrays | undefined;
  return {
    init(v, overrides, t, dt, buffers) {
      current = buffers;
      init(v, overrides, t, dt, buffers);
    },
    deriv,
    capture,
    release,
    workspace(shape: RunShape): Workspace {
      // The state arrays are the kernel's own, zeroed for each run (runs never interleave: they are
      // synchronous); only the store is new, since the run's result keeps it.
      arrays ??= freshWorkspace(nSlots, nState);
      const a = arrays;
      a.v.fill(0), a.k1.fill(0), a.k2.fill(0), a.k3.fill(0), a.k4.fill(0), a.s0.fill(0);
      const { slots, nSaved } = shape;
      const store = new Float64Array(slots.length * nSaved);
      const record = (saved: number): void => saveInto(store, a.v, slots, nSaved, saved);
      // A fresh store: saves not reached are already 0.
      const kept = (): Float64Array => store;
      const runSteps: Workspace['runSteps'] =
        ir.stopAt === undefined ? (start, dt, k0, count, stride, method, saving) => run(a, current!, start, dt, k0, count, stride, METHOD_CODE[method], saving ? store : null, nSaved, slots) : undefined;
      return { v: a.v, k1: a.k1, k2: a.k2, k3: a.k3, k4: a.k4, s0: a.s0, record, store: kept, runSteps };
    },
  };
}
