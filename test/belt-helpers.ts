import { expect } from 'vitest';
import { compileSource, formatDiagnostic, simulate, type RunResult, type SimulateOptions } from '../engine/src/index.js';
import { sameNumbers } from './helpers.js';

/** A model's header: runs from 0 to `stop` in steps of `dt` (weeks). */
export function sim(stop: number, dt: number | string = 1, extra = ''): string {
  return `simulation\n  start: 0\n  stop: ${stop}\n  dt: ${dt}\n  time unit: week\n${extra}`;
}

/**
 * Runs a model on the reference interpreter, the JavaScript kernel and the WebAssembly kernel,
 * checks that all three give the same numbers bit for bit, and returns the interpreter's series.
 */
export function runEverywhere(source: string, options: SimulateOptions = {}): { run: RunResult; get: (name: string) => number[] } {
  const runs = (['interpreter', 'generated', 'wasm'] as const).map((backend) => {
    const compiled = compileSource(source, 'belts.cwm', { backend });
    expect(compiled.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(compiled.model!.backend).toBe(backend);
    return simulate(compiled.model!, options);
  });
  const [reference, ...others] = runs as [RunResult, ...RunResult[]];
  for (const other of others) expect(sameNumbers(other, reference)).toBeUndefined();
  const get = (name: string): number[] => {
    const s = reference.series.find((x) => x.name === name);
    if (!s) throw new Error(`no series "${name}" in ${reference.series.map((x) => x.name).join(', ')}`);
    return Array.from(s.values);
  };
  return { run: reference, get };
}

/** Rounded for comparing hand-computed values (to 1e-9). */
export function near(values: readonly number[]): number[] {
  return values.map((v) => Math.round(v * 1e9) / 1e9 + 0);
}
