import type { BenchModel } from './models.js';
import { compileMdl, runOurs } from './ours.js';
import { batchFor, bestOf, compare, warmUp, type Comparison } from './rounds.js';
import { compileSdeC, loadSdeJs, sdeCSeries, sdeId } from './sde.js';
import { maxRelativeDifference, summarise } from './stats.js';
import { getSeries } from '../engine/src/index.js';

export interface VsSde {
  readonly model: string;
  /** Largest relative difference over the compared variables: ours vs SDE JS, ours vs SDE C. */
  readonly differenceJs: number;
  readonly differenceC: number;
  readonly runJs: Comparison;
  readonly runC: Comparison;
  /** Text to runnable model: ours (import, check, lower, kernel) vs SDE (generate JS, load it). */
  readonly compileJs: Comparison;
  readonly sdeGenerateCMs: number;
  readonly sdeGccMs: number;
}

/** Tolerance for agreeing with another engine: equal up to rounding in a different order of operations. */
const AGREE = 1e-9;

export async function benchVsSde(m: BenchModel, rounds: number): Promise<VsSde> {
  const model = compileMdl(m.mdl, `${m.name}.mdl`);
  const sde = await loadSdeJs(m.mdl);
  const sdeC = compileSdeC(m.mdl);
  try {
    const ours = runOurs(model, 'euler');
    sde.run();
    const cValues = sdeC.program.run(1).values;
    let differenceJs = 0;
    let differenceC = 0;
    for (const name of m.compare) {
      const mine = getSeries(ours, name);
      const index = sde.ids.indexOf(sdeId(name));
      const theirs = sde.series(sdeId(name));
      if (!mine || !theirs || index < 0) throw new Error(`${m.name}: "${name}" missing from one engine's results`);
      differenceJs = Math.max(differenceJs, maxRelativeDifference(mine, theirs));
      differenceC = Math.max(differenceC, maxRelativeDifference(mine, sdeCSeries(cValues, sde.ids.length, index)));
    }
    if (!(differenceJs <= AGREE && differenceC <= AGREE)) throw new Error(`${m.name}: results disagree with SDEverywhere (JS ${differenceJs}, C ${differenceC})`);

    // Both engines warm up first (their JIT compilers reach their optimised code), so the rounds compare steady states.
    warmUp(() => runOurs(model, 'euler'));
    warmUp(() => sde.run());
    const batch = batchFor(() => runOurs(model, 'euler'));
    const sdeBatch = batchFor(() => sde.run());
    const sdeBest = (): number => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        let sum = 0;
        for (let j = 0; j < sdeBatch; j++) sum += sde.run();
        best = Math.min(best, sum / sdeBatch);
      }
      return best;
    };
    const runJs = compare(() => bestOf(() => runOurs(model, 'euler'), 3, batch), sdeBest, rounds);
    const cReps = Math.max(3, Math.min(200, sdeBatch));
    const runC = compare(() => bestOf(() => runOurs(model, 'euler'), 3, batch), () => Math.min(...sdeC.program.run(cReps).ms), rounds);

    // Compile rounds alternate too; SDE's loading is asynchronous, so this loop is written out.
    const a: number[] = [];
    const b: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < Math.max(3, Math.ceil(rounds / 2)); i++) {
      const t0 = performance.now();
      compileMdl(m.mdl, `${m.name}.mdl`);
      const x = performance.now() - t0;
      const y = (await loadSdeJs(m.mdl)).compileMs;
      a.push(x), b.push(y), r.push(x / y);
    }
    const ratios = summarise(r);
    const compileJs: Comparison = { ours: summarise(a), theirs: summarise(b), ratio: ratios.median, spread: ratios.spread, rounds: r.length };
    return { model: m.name, differenceJs, differenceC, runJs, runC, compileJs, sdeGenerateCMs: sdeC.generateMs, sdeGccMs: sdeC.program.compileMs };
  } finally {
    sdeC.program.dispose();
  }
}
