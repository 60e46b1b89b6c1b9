import Plotly, { type PlotLayout, type PlotTrace as PlotlyTrace } from 'plotly.js-dist-min';
import type { PlotTrace } from './traces.js';
import { useEffect, useRef } from 'react';

interface Props {
  readonly traces: readonly PlotTrace[];
  readonly layout?: PlotLayout;
  readonly testId: string;
  /** File name (without extension) for PNG and SVG exports. */
  readonly fileName: string;
  readonly height?: number;
}

/** A Plotly chart with PNG and SVG export, its data readable from the element (tests read it back). */
export function PlotlyChart({ traces, layout, testId, fileName, height = 360 }: Props) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    void Plotly.react(el.current, traces as unknown as PlotlyTrace[], { margin: { l: 70, r: 20, t: 30, b: 50 }, legend: { orientation: 'h', y: -0.25 }, ...layout }, { displaylogo: false, responsive: true });
  }, [traces, layout]);
  useEffect(() => () => { if (el.current) Plotly.purge(el.current); }, []);
  const save = (format: 'png' | 'svg') => { if (el.current) void Plotly.downloadImage(el.current, { format, filename: fileName.replace(/[^\w-]+/g, '_') || 'chart', width: 1000, height: 600 }); };
  return (
    <div className="analysis-chart">
      <div className="chart-export">
        <button className="small" data-testid={`${testId}-png`} onClick={() => save('png')}>PNG</button>
        <button className="small" data-testid={`${testId}-svg`} onClick={() => save('svg')}>SVG</button>
      </div>
      <div ref={el} data-testid={testId} style={{ height }} />
    </div>
  );
}
