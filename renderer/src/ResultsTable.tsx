import { runToCsv } from '../../engine/src/index.js';
import type { ChartRun } from './ChartPanel.js';
import { bridge } from './bridge.js';

interface Props {
  readonly run?: ChartRun;
  readonly selected: readonly string[];
}

const MAX_ROWS = 2000;

/** The saved values of the chosen variables, one row per saved time; CSV export of the whole table. */
export function ResultsTable({ run, selected }: Props) {
  if (!run) return <p className="empty">Run the model to see its results.</p>;
  const columns = selected.length > 0 ? run.series.filter((s) => selected.includes(s.name)) : run.series.slice(0, 8);
  const exportCsv = () => void bridge.saveFile(`${run.label.replace(/[^\w-]+/g, '_')}.csv`, runToCsv({ times: run.times, series: columns }));
  return (
    <div className="results-table">
      <div className="toolbar-row">
        <span>{run.label}: {run.times.length} saved times × {columns.length} variables</span>
        <button onClick={exportCsv} data-testid="export-csv">Export CSV</button>
      </div>
      <div className="table-scroll">
        <table data-testid="results-table">
          <thead>
            <tr><th>Time</th>{columns.map((c) => <th key={c.name}>{c.name}{c.units ? <small> [{c.units}]</small> : null}</th>)}</tr>
          </thead>
          <tbody>
            {run.times.slice(0, MAX_ROWS).map((t, i) => (
              <tr key={i}><td>{formatNumber(t)}</td>{columns.map((c) => <td key={c.name}>{formatNumber(c.values[i])}</td>)}</tr>
            ))}
          </tbody>
        </table>
        {run.times.length > MAX_ROWS ? <p className="empty">Showing the first {MAX_ROWS} rows; the CSV export has them all.</p> : null}
      </div>
    </div>
  );
}

function formatNumber(v: number | undefined): string {
  if (v === undefined) return '';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3 ? v.toPrecision(6) : String(Number(v.toPrecision(8)));
}
