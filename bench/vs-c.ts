import type { Method } from '../engine/src/language/ast.js';
import { emitC } from './c-emitter.js';
import { compileC } from './gcc.js';
import type { BenchModel } from './models.js';
import { compileMdl, flatten, recordedSlots, runOurs } from './ours.js';
import { bestOf, compare, warmUp, type Comparison } from './rounds.js';
import { maxRelativeDifference } from './stats.js';

export interface VsC {
  readonly model: string;
  readonly method: Method;
  readonly slots: number;
  readonly steps: number;
  readonly backend: string;
  /** Largest relative difference between our saved values and C's (0: bit for bit). */
  readonly difference: number;
  readonly gccMs: number;
  readonly run: Comparison;
}

/** Our kernel against the same IR emitted as C (gcc -O2), full recording on both sides. */
export function benchVsC(m: BenchModel, methods: readonly Method[], rounds: number): VsC[] {
  const model = compileMdl(m.mdl, `${m.name}.mdl`);
  const ir = model.ir;
  const program = compileC(emitC(ir, recordedSlots(ir)));
  try {
    return methods.map((method) => {
      const c = program.run(1, [method]);
      const difference = maxRelativeDifference(flatten(runOurs(model, method)), c.values);
      if (!(difference <= 1e-9)) throw new Error(`${m.name} (${method}): our kernel and C disagree (relative difference ${difference})`);
      warmUp(() => runOurs(model, method));
      const run = compare(
        () => bestOf(() => runOurs(model, method)),
        () => Math.min(...program.run(3, [method]).ms),
        rounds,
      );
      return { model: m.name, method, slots: ir.slots.length, steps: Math.round((ir.sim.stop - ir.sim.start) / ir.sim.dt), backend: model.backend, difference, gccMs: program.compileMs, run };
    });
  } finally {
    program.dispose();
  }
}
