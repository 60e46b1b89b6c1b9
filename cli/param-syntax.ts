/**
 * `--param` values of `cwb sensitivity`: `name=uniform(0.1, 0.3)`, `name*=normal(1, 0.1)` (a
 * factor on the base value), `name=1,2,5`, `name=range(1, 3, 5)`. Pure, so it is easy to test;
 * errors are UsageError naming the parameter.
 */
import type { Distribution, SampledParameter, SweptParameter, TornadoParameter } from '../engine/src/index.js';
import { parseNumber, UsageError } from './arg-helpers.js';

/** What a `--param` says, before the method decides whether it fits. */
export type ParamValue =
  | { readonly kind: 'distribution'; readonly distribution: Distribution }
  | { readonly kind: 'values'; readonly values: readonly number[] }
  | { readonly kind: 'range'; readonly from: number; readonly to: number; readonly count?: number; readonly step?: number };

export interface ParsedParam {
  readonly name: string;
  readonly scale: boolean;
  readonly value: ParamValue;
}

const CALL = /^([a-z]+)\s*\((.*)\)$/is;

export function parseParam(text: string): ParsedParam {
  const eq = findAssignment(text);
  if (eq < 0) throw new UsageError(`--param needs name=distribution, e.g. "Length of stay=uniform(2, 3)"; got "${text}".`);
  const scale = text[eq - 1] === '*';
  const name = text.slice(0, scale ? eq - 1 : eq).trim();
  if (name === '') throw new UsageError(`--param "${text}" has no parameter name before "=".`);
  const body = text.slice(eq + 1).trim();
  const what = `--param ${name}`;
  const call = CALL.exec(body);
  if (!call) return { name, scale, value: { kind: 'values', values: numbers(body, what) } };
  const fn = call[1]!.toLowerCase();
  const args = call[2]!.split(',').map((a) => a.trim());
  const positional = args.filter((a) => !a.includes('='));
  const named = new Map(args.filter((a) => a.includes('=')).map((a) => [a.slice(0, a.indexOf('=')).trim().toLowerCase(), a.slice(a.indexOf('=') + 1).trim()]));
  const num = (s: string): number => (/^-?inf$/i.test(s) ? (s.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY) : parseNumber(s, what));
  const arity = (n: number, form: string): number[] => {
    if (positional.length !== n) throw new UsageError(`${what}: ${fn} takes ${form}.`);
    return positional.map(num);
  };
  const bound = (key: 'min' | 'max', at: number): number | undefined => {
    const raw = named.get(key) ?? positional[at];
    if (raw === undefined || raw === '') return undefined;
    const x = num(raw);
    return Number.isFinite(x) ? x : undefined;
  };
  const unknown = [...named.keys()].filter((k) => !['min', 'max', 'step', 'count'].includes(k));
  if (unknown.length > 0) throw new UsageError(`${what}: unknown argument ${unknown[0]}= (use min=, max=, step= or count=).`);
  const dist = (d: Distribution): ParsedParam => ({ name, scale, value: { kind: 'distribution', distribution: d } });
  switch (fn) {
    case 'uniform': {
      const [min, max] = arity(2, 'a minimum and a maximum: uniform(0.1, 0.3)');
      return dist({ kind: 'uniform', min: min!, max: max! });
    }
    case 'triangular': {
      const [min, mode, max] = arity(3, 'a minimum, the most likely value and a maximum: triangular(2, 2.5, 4)');
      return dist({ kind: 'triangular', min: min!, mode: mode!, max: max! });
    }
    case 'normal':
    case 'lognormal': {
      if (positional.length < 2 || positional.length > 4) throw new UsageError(`${what}: ${fn} takes a mean and a standard deviation, and optionally bounds: ${fn}(10, 2, min=0).`);
      const min = bound('min', 2);
      const max = bound('max', 3);
      return dist({ kind: fn, mean: num(positional[0]!), sd: num(positional[1]!), ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) });
    }
    case 'discrete': {
      if (positional.length === 0) throw new UsageError(`${what}: discrete takes values, optionally with probabilities: discrete(1:0.2, 2:0.5, 5:0.3).`);
      const pairs = positional.map((a) => a.split(':').map((x) => x.trim()));
      const withP = pairs.filter((p) => p.length === 2).length;
      if (withP !== 0 && withP !== pairs.length) throw new UsageError(`${what}: give every value of discrete(…) a probability, or none.`);
      const values = pairs.map((p) => num(p[0]!));
      return dist({ kind: 'discrete', values, ...(withP ? { probabilities: pairs.map((p) => num(p[1]!)) } : {}) });
    }
    case 'values':
      return { name, scale, value: { kind: 'values', values: positional.map(num) } };
    case 'range': {
      const step = named.get('step');
      const count = named.get('count') ?? positional[2];
      if (positional.length < 2 || (step === undefined) === (count === undefined)) throw new UsageError(`${what}: range takes from, to and a count (range(1, 3, 5)) or a step (range(1, 3, step=0.5)).`);
      return { name, scale, value: { kind: 'range', from: num(positional[0]!), to: num(positional[1]!), ...(step !== undefined ? { step: num(step) } : { count: num(count!) }) } };
    }
    default:
      throw new UsageError(`${what}: unknown distribution "${fn}" (use uniform, triangular, normal, lognormal, discrete, or values/range for sweeps).`);
  }
}

/** A parameter of mc or lhs: a distribution. */
export function sampledParameter(p: ParsedParam, method: 'mc' | 'lhs'): SampledParameter {
  if (p.value.kind !== 'distribution') throw new UsageError(`--param ${p.name}: ${method} draws values from a distribution, e.g. uniform(1, 2); a list of values is for --method oat.`);
  return { ...target(p), distribution: p.value.distribution };
}

/** A parameter of oat: values or a range. */
export function sweptParameter(p: ParsedParam): SweptParameter {
  const v = p.value;
  if (v.kind === 'distribution') throw new UsageError(`--param ${p.name}: oat sweeps a list of values (1,2,3 or range(1, 3, 5)), not a distribution.`);
  return v.kind === 'values' ? { ...target(p), values: v.values } : { ...target(p), range: { from: v.from, to: v.to, ...(v.step !== undefined ? { step: v.step } : { count: v.count! }) } };
}

/** A parameter of a tornado: low and high, or a distribution. */
export function tornadoParameter(p: ParsedParam): TornadoParameter {
  const v = p.value;
  if (v.kind === 'distribution') return { ...target(p), distribution: v.distribution };
  if (v.kind !== 'values' || v.values.length !== 2) throw new UsageError(`--param ${p.name}: a tornado takes a low and a high value (low,high) or a distribution.`);
  return { ...target(p), low: v.values[0]!, high: v.values[1]! };
}

function target(p: ParsedParam): { name: string; scale?: boolean } {
  return { name: p.name, ...(p.scale ? { scale: true } : {}) };
}

/** The `=` that ends the name: the first one outside brackets (names may hold [85+]). */
function findAssignment(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (ch === '=' && depth === 0) return i;
  }
  return -1;
}

function numbers(text: string, what: string): number[] {
  const parts = text.split(',');
  if (parts.length === 0 || text.trim() === '') throw new UsageError(`${what}: give a distribution or values.`);
  return parts.map((s) => parseNumber(s, what));
}
