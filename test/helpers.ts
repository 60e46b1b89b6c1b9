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
