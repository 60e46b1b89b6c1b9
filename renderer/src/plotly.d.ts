// The slice of plotly.js the workbench uses (plotly.js-dist-min ships no types).
declare module 'plotly.js-dist-min' {
  export interface PlotTrace {
    x: readonly (number | string | null)[];
    y: readonly (number | string | null)[];
    name: string;
    type: 'scatter' | 'bar';
    mode?: 'lines' | 'lines+markers' | 'markers';
    line?: { dash?: 'solid' | 'dash' | 'dot'; width?: number; color?: string };
    marker?: { color?: string | readonly string[]; size?: number; opacity?: number };
    fill?: 'none' | 'tonexty';
    fillcolor?: string;
    orientation?: 'h' | 'v';
    base?: readonly number[];
    showlegend?: boolean;
    hoverinfo?: string;
    text?: readonly string[];
    meta?: Record<string, unknown>;
  }
  export interface PlotLayout {
    [key: string]: unknown;
  }
  export interface PlotElement extends HTMLDivElement {
    data?: PlotTrace[];
    layout?: PlotLayout;
  }
  const Plotly: {
    react(el: HTMLElement, data: PlotTrace[], layout: PlotLayout, config?: Record<string, unknown>): Promise<PlotElement>;
    purge(el: HTMLElement): void;
    downloadImage(el: HTMLElement, options: { format: 'png' | 'svg'; filename: string; width?: number; height?: number }): Promise<string>;
    Plots: { resize(el: HTMLElement): void };
  };
  export default Plotly;
}
