/**
 * Chart traces for scenario comparisons and sensitivity results, as plain data (no DOM, tested
 * under Node): fan charts (bands between percentile pairs around the median), spaghetti plots,
 * tornado bars, scatter plots with their correlation, and one variable across scenarios.
 */
import type { SensitivityResult } from '../../../engine/src/index.js';
import type { ScenarioCompareOutput } from '../../../services/api.js';

/** A Plotly trace, as far as these charts use one (declared here so Node tests need no DOM types). */
export interface PlotTrace {
  readonly x: readonly (number | string | null)[];
  readonly y: readonly (number | string | null)[];
  readonly name: string;
  readonly type: 'scatter' | 'bar';
  readonly mode?: 'lines' | 'lines+markers' | 'markers';
  readonly line?: { readonly dash?: 'solid' | 'dash' | 'dot'; readonly width?: number; readonly color?: string };
  readonly marker?: { readonly color?: string; readonly size?: number; readonly opacity?: number };
  readonly fill?: 'none' | 'tonexty';
  readonly fillcolor?: string;
  readonly orientation?: 'h' | 'v';
  readonly base?: readonly number[];
  readonly showlegend?: boolean;
  readonly hoverinfo?: string;
  readonly meta?: Record<string, unknown>;
}

const BAND_COLOURS = ['rgba(31,111,235,0.15)', 'rgba(31,111,235,0.3)', 'rgba(31,111,235,0.45)'];
const SCENARIO_COLOURS = ['#1f6feb', '#d97706', '#15803d', '#b91c1c', '#7c3aed', '#0e7490', '#a16207', '#be185d'];

/** Pairs of percentiles that make bands: the outermost first (5–95, then 25–75, …). */
export function bandPairs(percentiles: readonly number[]): [number, number][] {
  const sorted = [...new Set(percentiles)].sort((a, b) => a - b);
  const pairs: [number, number][] = [];
  for (let i = 0, j = sorted.length - 1; i < j; i++, j--) pairs.push([sorted[i]!, sorted[j]!]);
  return pairs;
}

/** A fan chart of one output: shaded bands between percentile pairs, the median, and the mean. */
export function fanTraces(result: SensitivityResult, output: string): PlotTrace[] {
  const o = result.outputs.find((x) => x.name === output);
  if (!o) return [];
  const at = (p: number) => o.percentiles.find((x) => x.p === p)?.values ?? [];
  const traces: PlotTrace[] = [];
  bandPairs(result.percentiles).forEach(([lo, hi], i) => {
    traces.push({ x: result.times, y: at(lo), name: `p${lo}`, type: 'scatter', mode: 'lines', line: { width: 0 }, showlegend: false, hoverinfo: 'x+y', meta: { band: `${lo}-${hi}`, edge: 'low', p: lo } });
    traces.push({ x: result.times, y: at(hi), name: `${lo}–${hi}th percentile`, type: 'scatter', mode: 'lines', line: { width: 0 }, fill: 'tonexty', fillcolor: BAND_COLOURS[Math.min(i, BAND_COLOURS.length - 1)]!, meta: { band: `${lo}-${hi}`, edge: 'high', p: hi } });
  });
  if (result.percentiles.includes(50)) traces.push({ x: result.times, y: at(50), name: 'median', type: 'scatter', mode: 'lines', line: { width: 2, color: '#1f4f9e' }, meta: { p: 50 } });
  traces.push({ x: result.times, y: o.mean, name: 'mean', type: 'scatter', mode: 'lines', line: { width: 2, dash: 'dash', color: '#0b2a5b' }, meta: { stat: 'mean' } });
  return traces;
}

/** The kept runs of one output over every saved time, one thin line each. */
export function spaghettiTraces(result: SensitivityResult, output: string): PlotTrace[] {
  return result.samples.flatMap((s) => {
    const series = s.series.find((x) => x.name === output);
    return series ? [{ x: result.savedTimes, y: series.values, name: `run ${s.run + 1}`, type: 'scatter' as const, mode: 'lines' as const, line: { width: 1 }, showlegend: false, meta: { run: s.run } }] : [];
  });
}

/** Tornado: one horizontal bar per parameter from the output at its low to the output at its high value, largest swing on top. */
export function tornadoTraces(result: SensitivityResult): PlotTrace[] {
  const t = result.tornado;
  if (!t) return [];
  const bars = [...t.bars].sort((a, b) => b.rank - a.rank);
  const base = t.base ?? 0;
  const label = (b: (typeof bars)[number]) => `${b.parameter} (${b.low} → ${b.high})`;
  return [
    { x: bars.map((b) => (b.outputLow ?? base) - base), y: bars.map(label), base: bars.map(() => base), name: 'parameter low', type: 'bar', orientation: 'h', marker: { color: '#1f6feb' }, meta: { side: 'low' } },
    { x: bars.map((b) => (b.outputHigh ?? base) - base), y: bars.map(label), base: bars.map(() => base), name: 'parameter high', type: 'bar', orientation: 'h', marker: { color: '#d97706' }, meta: { side: 'high' } },
  ];
}

/** One parameter against one output at one time, every kept run a point. */
export function scatterTraces(result: SensitivityResult, parameter: string, output: string, time: number): PlotTrace[] {
  const sc = result.scatter;
  const p = sc?.parameters.find((x) => x.name === parameter);
  const o = sc?.outputs.find((x) => x.name === output && x.time === time);
  if (!p || !o) return [];
  return [{ x: p.values, y: o.values, name: `${output} at ${time}`, type: 'scatter', mode: 'markers', marker: { size: 5, opacity: 0.6, color: '#1f6feb' }, meta: { parameter, output, time } }];
}

/** One variable in every scenario of a comparison, the base solid and the others dashed. */
export function scenarioTraces(out: ScenarioCompareOutput, variable: string, base: string | undefined): PlotTrace[] {
  return out.runs.flatMap((r, i) => {
    const s = r.series.find((x) => x.name === variable);
    if (!s) return [];
    const isBase = r.scenario === (base ?? out.runs[0]?.scenario);
    return [{ x: r.times, y: s.values, name: r.scenario, type: 'scatter' as const, mode: 'lines' as const, line: { width: 2, dash: isBase ? 'solid' as const : 'dash' as const, color: SCENARIO_COLOURS[i % SCENARIO_COLOURS.length]! }, meta: { scenario: r.scenario, variable } }];
  });
}
