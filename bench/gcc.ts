import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/c (headers for the emitted programs), found from dist/bench/ or bench/. */
export const C_RUNTIME_DIR = resolve(dirname(fileURLToPath(import.meta.url)), fileURLToPath(import.meta.url).includes('/dist/') ? '../../bench/c' : 'c');

export interface CProgram {
  /** Milliseconds gcc took. */
  readonly compileMs: number;
  /** Runs the program `reps` times; returns each run's milliseconds and the last run's output values. */
  run(reps: number, args?: readonly string[]): { readonly ms: number[]; readonly values: Float64Array };
  dispose(): void;
}

/** Compiles C source with `gcc -O2` (no FMA contraction, so arithmetic rounds as JavaScript's does). */
export function compileC(source: string, extraSources: readonly string[] = [], includes: readonly string[] = [C_RUNTIME_DIR]): CProgram {
  const dir = mkdtempSync(join(tmpdir(), 'cwb-bench-'));
  const file = join(dir, 'model.c');
  const exe = join(dir, 'model');
  writeFileSync(file, source);
  const t0 = performance.now();
  execFileSync('gcc', ['-O2', '-ffp-contract=off', '-w', ...includes.flatMap((i) => ['-I', i]), '-I', dir, file, ...extraSources, '-o', exe, '-lm'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const compileMs = performance.now() - t0;
  return {
    compileMs,
    run(reps: number, args: readonly string[] = []) {
      const bin = join(dir, 'out.bin');
      const text = execFileSync(exe, [String(reps), bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
      const ms = text.trim().split('\n').map((l) => Number(l) / 1e6);
      const buf = readFileSync(bin);
      return { ms, values: new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)) };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
