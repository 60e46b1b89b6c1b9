import { DiagnosticSink, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { checkModel } from '../check/checker.js';
import type { CheckedModel } from '../check/model.js';
import { lowerModel } from '../ir/lower.js';
import { parseModel } from '../language/parser.js';
import type { ModelAst } from '../language/ast.js';
import { interpretKernel } from '../sim/interpreter.js';
import type { Simulatable } from '../sim/simulate.js';
import { compileKernel } from './codegen.js';
import { compileWasmKernel } from './wasm-kernel.js';
import { NO_SPAN } from '../diagnostics.js';
import { bindDataTables } from '../data/bind.js';
import type { DataTableSource } from '../data/table.js';

/**
 * `wasm`: a WebAssembly kernel (the default; falls back to `generated` where the host has no
 * WebAssembly); `generated`: a JavaScript kernel; `interpreter`: walks the IR (the reference).
 */

/**
 * Below this many slots the default is the JavaScript kernel: there a step's few calls into
 * WebAssembly cost more than its arithmetic (measured: teacup and SIR run faster in JavaScript,
 * chains of 25 stocks and more in WebAssembly; see `npm run bench`).
 */
const SMALL_MODEL_SLOTS = 32;
export type Backend = 'wasm' | 'generated' | 'interpreter';

export interface CompiledModel extends Simulatable {
  readonly checked: CheckedModel;
  /** The generated JavaScript (empty for the interpreter and WebAssembly backends), for inspection and tests. */
  readonly source: string;
  /** The WebAssembly module of the `wasm` backend, for inspection and tests. */
  readonly wasm?: Uint8Array;
  /** Which backend the kernel came from (`wasm` may have fallen back to `generated`). */
  readonly backend: Backend;
}

export interface CompileResult {
  /** Present when there are no errors; warnings may still be listed. */
  readonly model?: CompiledModel;
  readonly diagnostics: readonly Diagnostic[];
}

export interface CompileOptions {
  readonly backend?: Backend;
  /** Where graphs with `data:` find their tables (a project's, or files next to the model). */
  readonly dataTables?: DataTableSource;
}

/** Checked model → IR → kernel. */
export function compileModel(checked: CheckedModel, options: CompileOptions = {}): CompileResult {
  const sink = new DiagnosticSink(checked.file);
  const ir = lowerModel(checked, sink);
  if (!ir) return { diagnostics: sink.items };
  try {
    if (options.backend === 'interpreter') return { model: { ir, kernel: interpretKernel(ir), checked, source: '', backend: 'interpreter' }, diagnostics: sink.items };
    const wasm = options.backend === 'generated' || (options.backend === undefined && ir.slots.length < SMALL_MODEL_SLOTS) ? undefined : compileWasmKernel(ir);
    if (wasm) return { model: { ir, kernel: wasm.kernel, checked, source: '', wasm: wasm.bytes, backend: 'wasm' }, diagnostics: sink.items };
    const { kernel, source } = compileKernel(ir);
    return { model: { ir, kernel, checked, source, backend: 'generated' }, diagnostics: sink.items };
  } catch (err) {
    sink.error('internal', NO_SPAN, `Internal compiler error (please report it): ${err instanceof Error ? err.message : String(err)}`);
    return { diagnostics: sink.items };
  }
}

/** Model text → compiled model, with every diagnostic from every stage, sorted by position. */
export function compileSource(source: string, file = 'model.cwm', options: CompileOptions = {}): CompileResult {
  const parsed = parseModel(source, file);
  return compileAst(parsed.ast, parsed.diagnostics, options);
}

/** A parsed or imported model → compiled model; `earlier` are the diagnostics of reading it. */
export function compileAst(ast: ModelAst, earlier: readonly Diagnostic[], options: CompileOptions = {}): CompileResult {
  const bound = bindDataTables(ast, options.dataTables);
  const checked = checkModel(bound.ast);
  const early = [...earlier, ...bound.diagnostics, ...checked.diagnostics];
  if (checked.partial) early.push(...loopsIn(checked.partial));
  if (!checked.model || early.some((d) => d.severity === 'error')) return { diagnostics: sortDiagnostics(early) };
  const compiled = compileModel(checked.model, options);
  return { ...(compiled.model ? { model: compiled.model } : {}), diagnostics: sortDiagnostics([...early, ...compiled.diagnostics]) };
}

/** Algebraic and initialisation loops of a model that has other errors, so all are reported at once. */
function loopsIn(partial: CheckedModel): Diagnostic[] {
  const sink = new DiagnosticSink(partial.file);
  try {
    lowerModel(partial, sink, { tolerant: true });
  } catch {
    return []; // too broken to analyse; its other errors come first
  }
  return sink.items.filter((d) => d.code === 'algebraic-loop' || d.code === 'init-loop');
}
