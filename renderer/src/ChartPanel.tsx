import Plotly, { type PlotTrace } from 'plotly.js-dist-min';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SeriesData } from '../../services/api.js';

/** One run to draw: the live run of the editor, or a stored run overlaid on it. */
export interface ChartRun {
  readonly key: string;
  readonly label: string;
  readonly times: readonly number[];
  readonly series: readonly SeriesData[];
  readonly dashed?: boolean;
}

interface Props {
  readonly runs: readonly ChartRun[];
  readonly selected: readonly string[];
  readonly onSelect: (names: string[]) => void;
  readonly timeUnit?: string;
  readonly title: string;
}

/** Line chart of the chosen variables over time, each stored run overlaid; units on the axes. */
export function ChartPanel({ runs, selected, onSelect, timeUnit, title }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const [filter, setFilter] = useState('');
  const names = useMemo(() => [...new Set(runs.flatMap((r) => r.series.map((s) => s.name)))], [runs]);
  const units = useMemo(() => {
    const byName = new Map<string, string | undefined>();
    for (const r of runs) for (const s of r.series) if (!byName.has(s.name)) byName.set(s.name, s.units);
    return byName;
  }, [runs]);

  useEffect(() => {
    const div = el.current;
    if (!div) return;
    const traces: PlotTrace[] = [];
    for (const run of runs) {
      for (const name of selected) {
        const s = run.series.find((x) => x.name === name);
        if (!s) continue;
        traces.push({
          x: run.times, y: s.values, type: 'scatter', mode: 'lines',
          name: runs.length > 1 ? `${name} (${run.label})` : name,
          line: { dash: run.dashed ? 'dash' : 'solid', width: 2 },
          meta: { variable: name, run: run.label },
        });
      }
    }
    const yUnits = [...new Set(selected.map((n) => units.get(n)).filter((u): u is string => !!u))];
    void Plotly.react(div, traces, {
      margin: { l: 70, r: 20, t: 40, b: 50 },
      title: { text: title, font: { size: 14 } },
      xaxis: { title: { text: timeUnit ? `Time (${timeUnit})` : 'Time' } },
      yaxis: { title: { text: yUnits.join(', ') } },
      legend: { orientation: 'h', y: -0.2 },
      showlegend: true,
    }, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['sendDataToCloud'] });
  }, [runs, selected, units, timeUnit, title]);

  useEffect(() => () => { if (el.current) Plotly.purge(el.current); }, []);

  const exportImage = (format: 'png' | 'svg') => {
    if (el.current) void Plotly.downloadImage(el.current, { format, filename: title.replace(/[^\w-]+/g, '_') || 'chart', width: 1000, height: 600 });
  };

  const shown = names.filter((n) => n.toLowerCase().includes(filter.toLowerCase()));
  const toggle = (name: string) => onSelect(selected.includes(name) ? selected.filter((n) => n !== name) : [...selected, name]);

  return (
    <div className="chart-panel">
      <div className="variable-picker">
        <input placeholder="Find a variable" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Find a variable" />
        <ul data-testid="variable-list">
          {shown.map((n) => (
            <li key={n}>
              <label title={units.get(n) ?? ''}>
                <input type="checkbox" checked={selected.includes(n)} onChange={() => toggle(n)} data-testid="variable-checkbox" data-name={n} />
                {n}
              </label>
            </li>
          ))}
        </ul>
        <div className="export-buttons">
          <button data-testid="export-png" onClick={() => exportImage('png')} disabled={selected.length === 0}>PNG</button>
          <button data-testid="export-svg" onClick={() => exportImage('svg')} disabled={selected.length === 0}>SVG</button>
        </div>
      </div>
      <div className="chart" ref={el} data-testid="chart" />
    </div>
  );
}
