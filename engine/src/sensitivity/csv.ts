import { csvField } from '../interchange/csv.js';
import type { SensitivityResult } from './results.js';

/** The tables of a sensitivity result that can be exported, one CSV each. */
export type SensitivityTable = 'statistics' | 'samples' | 'scatter' | 'correlations' | 'tornado' | 'sweeps';

export const SENSITIVITY_TABLES: readonly SensitivityTable[] = ['statistics', 'samples', 'scatter', 'correlations', 'tornado', 'sweeps'];

/** The table a method is mostly about: what `--csv` writes and the panel exports first. */
export function mainTable(result: SensitivityResult): SensitivityTable {
  return result.method === 'tornado' ? 'tornado' : result.method === 'oat' ? 'sweeps' : 'statistics';
}

/** Tables this result has data for. */
export function availableTables(result: SensitivityResult): SensitivityTable[] {
  return SENSITIVITY_TABLES.filter((t) =>
    t === 'statistics' || (t === 'samples' && result.samples.length > 0) || (t === 'scatter' && result.scatter !== undefined)
    || (t === 'correlations' && result.correlations.length > 0) || (t === 'tornado' && result.tornado !== undefined) || (t === 'sweeps' && result.sweeps !== undefined));
}

/** One table as CSV text: a header row, numbers at full precision, empty fields for missing values. */
export function sensitivityCsv(result: SensitivityResult, table: SensitivityTable): string {
  const rows: (string | number | null)[][] = [];
  switch (table) {
    case 'statistics':
      rows.push(['output', 'time', 'count', 'mean', 'sd', 'min', ...result.percentiles.map((p) => `p${p}`), 'max']);
      for (const o of result.outputs) {
        result.times.forEach((t, j) => rows.push([o.name, t, o.count[j]!, o.mean[j]!, o.sd[j]!, o.min[j]!, ...o.percentiles.map((p) => p.values[j]!), o.max[j]!]));
      }
      break;
    case 'samples':
      rows.push(['run', 'time', ...result.parameters.map((p) => p.name), ...(result.samples[0]?.series.map((s) => s.name) ?? [])]);
      for (const s of result.samples) result.savedTimes.forEach((t, i) => rows.push([s.run, t, ...s.parameters, ...s.series.map((x) => x.values[i]!)]));
      break;
    case 'scatter': {
      const sc = result.scatter;
      rows.push(['run', ...(sc?.parameters.map((p) => p.name) ?? []), ...(sc?.outputs.map((o) => `${o.name} at ${o.time}`) ?? [])]);
      sc?.runs.forEach((run, i) => rows.push([run, ...sc.parameters.map((p) => p.values[i]!), ...sc.outputs.map((o) => o.values[i]!)]));
      break;
    }
    case 'correlations':
      rows.push(['parameter', 'output', 'time', 'pearson', 'spearman']);
      for (const c of result.correlations) rows.push([c.parameter, c.output, c.time, c.pearson, c.spearman]);
      break;
    case 'tornado': {
      const t = result.tornado;
      rows.push(['rank', 'parameter', 'low', 'high', 'output', 'time', 'base', 'output at low', 'output at high', 'swing']);
      for (const b of t?.bars ?? []) rows.push([b.rank, b.parameter, b.low, b.high, t!.output, t!.time, t!.base, b.outputLow, b.outputHigh, b.swing]);
      break;
    }
    case 'sweeps':
      rows.push(['parameter', 'value', 'output', 'time', 'result', 'base']);
      for (const s of result.sweeps ?? []) {
        for (const o of s.outputs) s.values.forEach((v, k) => rows.push([s.parameter, v, o.name, o.time, o.values[k]!, o.base]));
      }
      break;
  }
  return `${rows.map((r) => r.map((x) => (x === null ? '' : typeof x === 'number' ? String(x) : csvField(x))).join(',')).join('\n')}\n`;
}
