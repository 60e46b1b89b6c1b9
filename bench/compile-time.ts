import { checkModel, compileModel, formatDiagnostic, importVensim, parseModel, printModel } from '../engine/src/index.js';
import { chain } from './models.js';
import { summarise, type Timing } from './stats.js';

/**
 * A .cwm model of about n equations (n/2 stocks, n/2 flows), printed from the generated .mdl; its
 * stocks are non-negative, as most commissioning models' are (so outflow limiting is compiled too).
 */
export function cwmOfSize(n: number, stop = 10, dt = 0.25): string {
  const m = chain(Math.max(1, Math.floor(n / 2)), stop, dt);
  return printModel(importVensim(m.mdl, 'gen.mdl').ast).replace(/^(stock [^\n]*\n)/gm, '$1  non-negative\n');
}

export interface CompileTime {
  readonly equations: number;
  /** Text to runnable kernel (parse, check, lower, generate and instantiate). */
  readonly total: Timing;
  /** Median milliseconds of each stage. */
  readonly stages: { readonly parse: number; readonly check: number; readonly lowerAndKernel: number };
}

/** Compile time of one model size, with a warm compiler (as in an editing session): medians of `runs`. */
export function compileTime(equations: number, runs: number): CompileTime {
  const text = cwmOfSize(equations);
  const totals: number[] = [];
  const parse: number[] = [];
  const check: number[] = [];
  const lower: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const parsed = parseModel(text, 'gen.cwm');
    const t1 = performance.now();
    const checked = checkModel(parsed.ast);
    const t2 = performance.now();
    const compiled = checked.model ? compileModel(checked.model) : undefined;
    const t3 = performance.now();
    if (!compiled?.model) throw new Error(`generated model does not compile: ${[...checked.diagnostics, ...(compiled?.diagnostics ?? [])].slice(0, 3).map(formatDiagnostic).join('; ')}`);
    if (i < 2) continue; // warm-up
    totals.push(t3 - t0), parse.push(t1 - t0), check.push(t2 - t1), lower.push(t3 - t2);
  }
  const med = (xs: number[]): number => summarise(xs).median;
  return { equations, total: summarise(totals), stages: { parse: med(parse), check: med(check), lowerAndKernel: med(lower) } };
}

/** Growth exponent between two sizes: 1 is linear, 2 quadratic. */
export function growth(a: CompileTime, b: CompileTime): number {
  return Math.log(b.total.median / a.total.median) / Math.log(b.equations / a.equations);
}
