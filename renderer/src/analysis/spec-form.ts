/**
 * The sensitivity form's rows as a spec: pure, so what a user types becomes exactly the spec the
 * engine checks (tested under Node).
 */
import { distributionProblem, type Distribution, type SensitivitySpec } from '../../../engine/src/index.js';

type Method = SensitivitySpec['method'];
type Kind = Distribution['kind'];

export interface ParameterRow {
  name: string;
  scale: boolean;
  kind: Kind;
  /** The distribution's numbers as typed (min, max, mode, mean, sd, values, probabilities). */
  fields: Record<string, string>;
  /** oat: values (comma list); tornado: low and high. */
  values: string;
  low: string;
  high: string;
}

export const FIELDS: Record<Kind, readonly string[]> = {
  uniform: ['min', 'max'],
  triangular: ['min', 'mode', 'max'],
  normal: ['mean', 'sd', 'min', 'max'],
  lognormal: ['mean', 'sd', 'min', 'max'],
  discrete: ['values', 'probabilities'],
};
/** Truncation bounds of normal and lognormal, and discrete probabilities (equally likely when left out). */
export function isOptional(kind: Kind, field: string): boolean {
  return ((kind === 'normal' || kind === 'lognormal') && (field === 'min' || field === 'max')) || (kind === 'discrete' && field === 'probabilities');
}

/** The distribution a row describes, or why it does not describe one. */
export function rowDistribution(row: Pick<ParameterRow, 'kind' | 'fields'>): Distribution | string {
  const num = (k: string): number | undefined => (row.fields[k]?.trim() ? Number(row.fields[k]) : undefined);
  const list = (k: string): number[] => (row.fields[k] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  for (const k of FIELDS[row.kind]) if (!isOptional(row.kind, k) && !row.fields[k]?.trim()) return `Give the ${k}.`;
  let d: Distribution;
  switch (row.kind) {
    case 'uniform': d = { kind: 'uniform', min: num('min')!, max: num('max')! }; break;
    case 'triangular': d = { kind: 'triangular', min: num('min')!, mode: num('mode')!, max: num('max')! }; break;
    case 'normal': case 'lognormal': {
      const min = num('min');
      const max = num('max');
      d = { kind: row.kind, mean: num('mean')!, sd: num('sd')!, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
      break;
    }
    case 'discrete': {
      const p = list('probabilities');
      d = { kind: 'discrete', values: list('values'), ...(p.length ? { probabilities: p } : {}) };
      break;
    }
  }
  return distributionProblem(d) ?? d;
}

/** Builds the spec the form describes (checked by the engine before it is sent). */
export function buildSpec(method: Method, rows: readonly ParameterRow[], outputs: readonly string[], runs: number, seed: number, percentiles: readonly number[], tornado: { output: string; time?: number }, samples: number, scatterTime?: number): SensitivitySpec | string {
  const common = { outputs, seed, percentiles, ...(samples > 0 && method !== 'oat' && method !== 'tornado' ? { samples } : {}), ...(scatterTime !== undefined && (method === 'mc' || method === 'lhs') ? { scatterTimes: [scatterTime] } : {}) };
  const numbers = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  if (method === 'mc' || method === 'lhs') {
    const parameters = [];
    for (const r of rows) {
      const d = rowDistribution(r);
      if (typeof d === 'string') return `${r.name || 'A parameter'}: ${d}`;
      parameters.push({ name: r.name, ...(r.scale ? { scale: true } : {}), distribution: d });
    }
    return { method, runs, parameters, ...common };
  }
  if (method === 'oat') return { method, parameters: rows.map((r) => ({ name: r.name, ...(r.scale ? { scale: true } : {}), values: numbers(r.values) })), ...common };
  return { method, parameters: rows.map((r) => ({ name: r.name, ...(r.scale ? { scale: true } : {}), low: Number(r.low), high: Number(r.high) })), tornado: { output: tornado.output, ...(tornado.time !== undefined ? { time: tornado.time } : {}) }, ...common };
}

