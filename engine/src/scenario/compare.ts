import { csvField } from '../interchange/csv.js';
import { ModelInputError } from '../sim/select.js';
import { normaliseSeriesName, type RunResult } from '../sim/simulate.js';

/** A difference table: every chosen variable at every chosen time, in every scenario. */
export interface ScenarioComparison {
  readonly base: string;
  /** In the order given (the base among them). */
  readonly scenarios: readonly string[];
  readonly times: readonly number[];
  readonly rows: readonly ComparisonRow[];
}

export interface ComparisonRow {
  /** A series name: `name` or `name[element]`. */
  readonly variable: string;
  readonly units?: string;
  readonly time: number;
  /** One per scenario (null where a run stopped before this time). */
  readonly values: readonly (number | null)[];
  /** value − base, one per scenario (0 for the base itself). */
  readonly differences: readonly (number | null)[];
  /** 100 · (value − base) / |base|: positive means higher than the base; null when the base is 0. */
  readonly percentDifferences: readonly (number | null)[];
}

export interface ComparisonOptions {
  /** The scenario compared against (default: the first). */
  readonly base?: string;
  /** Variables or elements to compare (default: every series of the runs). */
  readonly variables?: readonly string[];
  /** Saved times to compare at (default: every saved time). */
  readonly times?: readonly number[];
}

/** Compares runs of one model under several scenarios. Throws ModelInputError for unknown names or times. */
export function compareRuns(runs: readonly { readonly scenario: string; readonly result: Pick<RunResult, 'times' | 'series'> }[], options: ComparisonOptions = {}): ScenarioComparison {
  if (runs.length === 0) throw new ModelInputError('There are no scenario runs to compare.');
  const names = runs.map((r) => r.scenario);
  const baseName = options.base ?? names[0]!;
  const baseIndex = names.findIndex((n) => n.toLowerCase() === baseName.toLowerCase());
  if (baseIndex < 0) throw new ModelInputError(`The base scenario "${baseName}" is not among those compared (${names.join(', ')}).`);
  const base = runs[baseIndex]!.result;
  const key = normaliseSeriesName;
  const series = options.variables
    ? options.variables.flatMap((v) => {
      const found = base.series.filter((s) => key(s.name) === key(v) || (key(s.variable) === key(v) && !v.includes('[')));
      if (found.length === 0) throw new ModelInputError(`There is no variable "${v}" in the runs compared.`);
      return found;
    })
    : base.series;
  // Times: the longest run's saved times (a run that stopped early has fewer).
  const longest = runs.reduce((a, r) => (r.result.times.length > a.length ? r.result.times : a), base.times);
  const allTimes = Array.from(longest);
  const times = options.times ?? allTimes;
  const indexOf = (t: number): number => {
    const i = allTimes.findIndex((x) => Math.abs(x - t) <= 1e-9 * Math.max(1, Math.abs(t)));
    if (i < 0) throw new ModelInputError(`${t} is not a saved time of the runs (from ${allTimes[0]} to ${allTimes[allTimes.length - 1]}).`);
    return i;
  };
  const timeIndex = times.map(indexOf);
  const rows: ComparisonRow[] = [];
  for (const s of series) {
    const columns = runs.map((r) => r.result.series.find((x) => x.name === s.name)?.values);
    timeIndex.forEach((ti, j) => {
      const values = columns.map((c) => (c && ti < c.length && Number.isFinite(c[ti]!) ? c[ti]! : null));
      const b = values[baseIndex]!;
      rows.push({
        variable: s.name,
        ...('units' in s && typeof s.units === 'string' ? { units: s.units } : {}),
        time: times[j]!,
        values,
        differences: values.map((v) => (v === null || b === null ? null : v - b)),
        percentDifferences: values.map((v) => (v === null || b === null || b === 0 ? null : (100 * (v - b)) / Math.abs(b))),
      });
    });
  }
  return { base: names[baseIndex]!, scenarios: names, times: [...times], rows };
}

/**
 * The comparison as CSV: variable, units, time, each scenario's value, then for each scenario
 * other than the base its difference from the base and its % difference.
 */
export function comparisonToCsv(c: ScenarioComparison): string {
  const baseIndex = c.scenarios.indexOf(c.base);
  const others = c.scenarios.map((_, i) => i).filter((i) => i !== baseIndex);
  const header = ['variable', 'units', 'time', ...c.scenarios, ...others.flatMap((i) => [`${c.scenarios[i]} minus ${c.base}`, `${c.scenarios[i]} % vs ${c.base}`])];
  const cell = (x: number | null): string => (x === null ? '' : String(x));
  const lines = [header.map(csvField).join(',')];
  for (const r of c.rows) {
    lines.push([csvField(r.variable), csvField(r.units ?? ''), String(r.time), ...r.values.map(cell), ...others.flatMap((i) => [cell(r.differences[i]!), cell(r.percentDifferences[i]!)])].join(','));
  }
  return `${lines.join('\n')}\n`;
}
