import { compileSource, simulate } from '../engine/src/index.js';
import { cwmOfSize } from './compile-time.js';
import { summarise, type Timing } from './stats.js';

/**
 * Edit-to-result: the text changes (a constant's value), then it is parsed, checked, compiled and
 * simulated for 1,000 steps, as the editor does on every keystroke. The compiler is warm: ten edits
 * first, as a modeller's first few keystrokes warm it, so the figure does not depend on which bench
 * sections ran before this one.
 */
const WARM_UP = 10;

export function editToResult(variables: number, edits: number): { readonly variables: number; readonly steps: number; readonly latency: Timing } {
  const steps = 1000;
  const base = cwmOfSize(variables, steps * 0.125, 0.125);
  if (!/"residence time" = 4\n/.test(base)) throw new Error('the latency model lost its constant');
  const samples: number[] = [];
  for (let i = 0; i < edits + WARM_UP; i++) {
    const text = base.replace(/"residence time" = 4\n/, `"residence time" = ${4 + (i % 10) / 10}\n`);
    const t0 = performance.now();
    const compiled = compileSource(text, 'edit.cwm');
    const result = simulate(compiled.model!);
    const ms = performance.now() - t0;
    if (result.times.length === 0) throw new Error('no result');
    if (i >= WARM_UP) samples.push(ms);
  }
  return { variables, steps, latency: summarise(samples) };
}
