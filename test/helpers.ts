import { expect } from 'vitest';
import { compileSource, formatDiagnostic, getSeries, type CompiledModel, type CompileOptions, type RunResult } from '../engine/src/index.js';

/** Compiles model text, failing the test with the diagnostics if it has errors. */
export function compile(source: string, options: CompileOptions = {}): CompiledModel {
  const result = compileSource(source, 'test.cwm', options);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map(formatDiagnostic)).toEqual([]);
  return result.model!;
}

/** The values of one series as a plain array (throws if the run has no such series). */
export function series(result: RunResult, name: string): number[] {
  const values = getSeries(result, name);
  if (!values) throw new Error(`no series "${name}" in ${result.series.map((s) => s.name).join(', ')}`);
  return Array.from(values);
}

/** mulberry32: a tiny seeded generator so every random model is reproducible from its number. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where two runs first differ (names, lengths, any value not bit for bit the same, the error), or undefined. */
export function sameNumbers(a: RunResult, b: RunResult): string | undefined {
  if (a.times.length !== b.times.length) return `lengths differ: ${a.times.length} vs ${b.times.length}`;
  for (let i = 0; i < a.series.length; i++) {
    const x = a.series[i]!;
    const y = b.series[i]!;
    if (x.name !== y.name) return `series ${i}: ${x.name} vs ${y.name}`;
    for (let t = 0; t < x.values.length; t++) {
      if (!Object.is(x.values[t], y.values[t])) return `${x.name} at ${a.times[t]}: ${x.values[t]} vs ${y.values[t]}`;
    }
  }
  if (a.error?.message !== b.error?.message) return `errors differ: ${a.error?.message} vs ${b.error?.message}`;
  return undefined;
}
