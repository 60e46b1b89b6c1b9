import { compileAst, formatDiagnostic, importVensim, simulate, type CompiledModel, type RunResult } from '../engine/src/index.js';
import type { ModelIR } from '../engine/src/ir/ir.js';
import type { Method } from '../engine/src/language/ast.js';

/** Our engine on a .mdl text: import, check, lower and generate the kernel. Throws on model errors. */
export function compileMdl(mdl: string, file = 'bench.mdl'): CompiledModel {
  const read = importVensim(mdl, file);
  const compiled = compileAst(read.ast, read.diagnostics);
  if (!compiled.model) throw new Error(`${file}: ${compiled.diagnostics.filter((d) => d.severity === 'error').slice(0, 3).map(formatDiagnostic).join('; ')}`);
  return compiled.model;
}

/** The slots a full run records, in the order simulate() records them (every element of every variable once). */
export function recordedSlots(ir: ModelIR): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const v of ir.variables) for (const s of v.slots) if (!seen.has(s)) (seen.add(s), out.push(s));
  return out;
}

export function runOurs(model: CompiledModel, method: Method): RunResult {
  const result = simulate(model, { method });
  if (result.error) throw new Error(result.error.message);
  return result;
}

/** A full run's saved values laid out as the C program writes them: column by column. */
export function flatten(result: RunResult): Float64Array {
  const n = result.times.length;
  const out = new Float64Array(result.series.length * n);
  result.series.forEach((s, c) => out.set(s.values, c * n));
  return out;
}
