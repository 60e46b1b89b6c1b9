import { useState } from 'react';
import type { DataImportOutput, DataProblemInfo, PickedFile } from '../../services/api.js';
import { api, bridge } from './bridge.js';

interface Props {
  readonly projectId: string;
  readonly onImported: (name: string) => void;
  readonly onClose: () => void;
}

const DATA_FILES = ['.csv', '.tsv', '.xlsx'];

/**
 * Imports a population projection, prevalence table or price list into the project: the file,
 * what to call the table in models, its units and where and when the figures come from. Problems
 * are listed by cell; a file with errors is not imported.
 */
export function DataImportDialog({ projectId, onImported, onClose }: Props) {
  const [file, setFile] = useState<PickedFile>();
  const [name, setName] = useState('');
  const [units, setUnits] = useState('');
  const [source, setSource] = useState('');
  const [sourceDate, setSourceDate] = useState('');
  const [sheet, setSheet] = useState<string>();
  const [result, setResult] = useState<DataImportOutput>();
  const [busy, setBusy] = useState(false);

  const choose = async () => {
    const picked = await bridge.openFile(DATA_FILES, 'base64');
    if (!picked) return;
    setFile(picked);
    setResult(undefined);
    setSheet(undefined);
    if (!name) setName(picked.fileName.replace(/\.[^.]+$/, ''));
  };
  const submit = async () => {
    if (!file) return;
    setBusy(true);
    try {
      const out = await api.importDataTable({ projectId, fileName: file.fileName, contentBase64: file.content, name, units, source, sourceDate, ...(sheet ? { sheet } : {}) });
      setResult(out);
      if (out.table) onImported(out.table.name);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" role="dialog" aria-label="Import data">
      <form className="modal" data-testid="data-import" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <h2>Import a data table</h2>
        <p className="hint">A CSV or Excel sheet with a header row: a year column (or years as column headers, as ONS publishes them), key columns such as area or age band, and values.</p>
        <div className="field"><button type="button" data-testid="data-choose" onClick={() => void choose()}>Choose file…</button> <span>{file?.fileName ?? 'No file chosen'}</span></div>
        {result?.sheets && result.sheets.length > 1 ? (
          <label className="field">Sheet <select value={sheet ?? result.sheets[0]} onChange={(e) => setSheet(e.target.value)}>{result.sheets.map((s) => <option key={s}>{s}</option>)}</select></label>
        ) : null}
        <label className="field">Name in models <input data-testid="data-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Population projections" /></label>
        <label className="field">Units <input value={units} onChange={(e) => setUnits(e.target.value)} placeholder="people" /></label>
        <label className="field">Source <input data-testid="data-source" value={source} onChange={(e) => setSource(e.target.value)} placeholder="ONS 2022-based subnational population projections" /></label>
        <label className="field">Source date <input value={sourceDate} onChange={(e) => setSourceDate(e.target.value)} placeholder="2025-06" /></label>
        {result ? <ProblemList problems={result.problems} imported={!!result.table} /> : null}
        <div className="modal-buttons">
          <button type="button" onClick={onClose}>{result?.table ? 'Close' : 'Cancel'}</button>
          <button type="submit" data-testid="data-import-submit" disabled={!file || !name.trim() || busy}>Import</button>
        </div>
      </form>
    </div>
  );
}

export function ProblemList({ problems, imported }: { readonly problems: readonly DataProblemInfo[]; readonly imported: boolean }) {
  return (
    <div className="data-problems" data-testid="data-problems">
      <p className={imported ? 'good' : 'bad'}>{imported ? `Imported${problems.length ? `, with ${problems.length} note${problems.length === 1 ? '' : 's'}` : ''}.` : 'Not imported: fix these in the file and try again.'}</p>
      <ul>{problems.map((p, i) => <li key={i} className={p.severity}>{p.cell ? <code>{p.cell}</code> : null} {p.message}</li>)}</ul>
    </div>
  );
}
