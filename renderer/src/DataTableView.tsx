import { useEffect, useState } from 'react';
import type { DataTableContents } from '../../services/api.js';
import { ProblemList } from './DataImportDialog.js';
import { api } from './bridge.js';

interface Props {
  readonly projectId: string;
  readonly tableId: number;
  readonly onDelete: () => void;
  readonly onClose: () => void;
}

const SHOWN_ROWS = 200;

/** A data table of the project: where it comes from, how models use it, and its first rows. */
export function DataTableView({ projectId, tableId, onDelete, onClose }: Props) {
  const [table, setTable] = useState<DataTableContents>();
  const [error, setError] = useState<string>();
  useEffect(() => { api.getDataTable(projectId, tableId).then(setTable, (e: Error) => setError(e.message)); }, [projectId, tableId]);
  return (
    <div className="modal-backdrop" role="dialog" aria-label="Data table">
      <div className="modal wide" data-testid="data-table-view">
        {error ? <p className="bad">{error}</p> : null}
        {table ? <>
          <h2>{table.name}</h2>
          <p className="hint">{table.rowCount} rows{table.units ? ` · ${table.units}` : ''} · {table.source}{table.sourceDate ? ` (${table.sourceDate})` : ''} · imported {new Date(table.importedAt).toLocaleString()}</p>
          <p className="hint">Use it in a model: <code>graph "…"[AgeBand] = TIME</code> with <code>data: "{table.name}"</code> (and <code>data where: "column" = "value"</code> to pick rows).</p>
          {table.notes.length ? <ProblemList problems={table.notes} imported /> : null}
          <div className="table-scroll">
            <table className="data-grid">
              <thead><tr>{table.columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
              <tbody>{table.rows.slice(0, SHOWN_ROWS).map((r, i) => <tr key={i}>{r.map((v, j) => <td key={j}>{v ?? ''}</td>)}</tr>)}</tbody>
            </table>
            {table.rowCount > SHOWN_ROWS ? <p className="empty">Showing the first {SHOWN_ROWS} rows.</p> : null}
          </div>
        </> : null}
        <div className="modal-buttons">
          <button onClick={() => { if (confirm('Delete this data table from the project?')) onDelete(); }}>Delete</button>
          <button onClick={onClose}>Close</button>
        </div>
      </div>
    </div>
  );
}
