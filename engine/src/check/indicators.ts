/**
 * Commissioning indicators: variables with a `target:` and which way is `better:` (and an `amber:`
 * band), such as long-term admissions to care homes per 100,000 aged 65+ (lower is better). The
 * dashboard judges each saved value against its target: green when it meets it, amber when it
 * misses by no more than the amber band (a fraction of the target), red otherwise.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { ModelAst } from '../language/ast.js';
import { foldConstant } from './checker.js';

export interface Indicator {
  readonly name: string;
  readonly target: number;
  readonly better: 'lower' | 'higher';
  /** A fraction of |target|. */
  readonly amber: number;
  readonly units?: string;
  readonly doc?: string;
}

export type Rating = 'green' | 'amber' | 'red';

export const DEFAULT_AMBER = 0.1;

/** The model's indicators; problems go to `sink` (with the property line and variable). */
export function indicatorsOf(ast: ModelAst, sink?: DiagnosticSink): Indicator[] {
  const out: Indicator[] = [];
  for (const v of ast.variables) {
    const ind = v.indicator;
    if (!ind) continue;
    const name = v.name.text;
    const target = ind.target ? foldConstant(ind.target) : undefined;
    const amber = ind.amber ? foldConstant(ind.amber) : DEFAULT_AMBER;
    if (!ind.target) {
      sink?.error('indicator', ind.span, `"${name}" is an indicator without a target: add  target: <number>.`, name);
      continue;
    }
    if (target === undefined || !Number.isFinite(target)) {
      sink?.error('indicator', ind.target.span, `The target of "${name}" must be a number (or arithmetic of numbers), not an expression that changes.`, name);
      continue;
    }
    if (ind.better && ind.better.value !== 'lower' && ind.better.value !== 'higher') continue; // reported by the parser
    if (!ind.better) {
      sink?.error('indicator', ind.span, `Say which way "${name}" should go: add  better: lower  or  better: higher.`, name);
      continue;
    }
    if (amber === undefined || !(amber >= 0) || !Number.isFinite(amber)) {
      sink?.error('indicator', ind.amber?.span ?? ind.span, `The amber band of "${name}" must be a number of 0 or more (such as 10%).`, name);
      continue;
    }
    out.push({ name, target, better: ind.better.value as Indicator['better'], amber, ...(v.units ? { units: v.units.text } : {}), ...(v.doc ? { doc: v.doc } : {}) });
  }
  return out;
}

/** Green when the value meets the target, amber when it misses by at most amber·|target|, else red. */
export function rate(indicator: Pick<Indicator, 'target' | 'better' | 'amber'>, value: number): Rating {
  const shortfall = indicator.better === 'lower' ? value - indicator.target : indicator.target - value;
  if (shortfall <= 0) return 'green';
  return shortfall <= indicator.amber * Math.abs(indicator.target) ? 'amber' : 'red';
}
