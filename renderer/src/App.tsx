import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Diagnostic } from '../../engine/src/index.js';
import type { ExportFormat, Method, MenuCommand, ProjectSnapshot, RunOutput, StoredRun } from '../../services/api.js';
import { ChartPanel, type ChartRun } from './ChartPanel.js';
import { DiagramPanel } from './DiagramPanel.js';
import { ModelEditor, type EditorHandle } from './ModelEditor.js';
import { ProblemsPanel } from './ProblemsPanel.js';
import { ProjectTree } from './ProjectTree.js';
import { ResultsTable } from './ResultsTable.js';
import { ScenariosPanel } from './analysis/ScenariosPanel.js';
import { Dashboard } from './commissioning/Dashboard.js';
import { HypothesesPanel } from './commissioning/HypothesesPanel.js';
import { SensitivityPanel } from './analysis/SensitivityPanel.js';
import { DataImportDialog } from './DataImportDialog.js';
import { DataTableView } from './DataTableView.js';
import { setProjectDataTables } from './editor/monaco-language.js';
import { TutorialPanel } from './TutorialPanel.js';
import { Welcome } from './Welcome.js';
import { describeStep } from './numbers.js';
import { api, bridge } from './bridge.js';

const AUTO_RUN_DELAY_MS = 400;
const AUTOSAVE_DELAY_MS = 1500;
const IMPORTABLE = ['.cwm', '.xmile', '.stmx', '.itmx', '.mdl'];

export const NEW_MODEL_TEXT = `model "Untitled model"

simulation
  start: 0
  stop: 10
  dt: 1
  method: euler
  time unit: year

`;

const TAB_LABELS: Record<Tab, string> = { chart: 'Chart', table: 'Table', diagram: 'Diagram', scenarios: 'Scenarios', sensitivity: 'Sensitivity', dashboard: 'Indicators', hypotheses: 'Hypotheses' };

interface OpenModel {
  readonly id?: number;
  readonly name: string;
  readonly version?: number;
}

type Tab = 'chart' | 'table' | 'diagram' | 'scenarios' | 'sensitivity' | 'dashboard' | 'hypotheses';

export function App() {
  const [project, setProject] = useState<ProjectSnapshot>();
  const [model, setModel] = useState<OpenModel>();
  const [text, setText] = useState('');
  /** Bumped whenever the editor is given a different document (not on the user's own edits). */
  const [docVersion, setDocVersion] = useState(0);
  const [savedText, setSavedText] = useState('');
  const [diagnostics, setDiagnostics] = useState<readonly Diagnostic[]>([]);
  const [liveRun, setLiveRun] = useState<RunOutput>();
  /** The text the live run was made from: the tutorial judges a run only against its own text. */
  const [liveRunText, setLiveRunText] = useState<string>();
  const [runMessage, setRunMessage] = useState<string>();
  const [method, setMethod] = useState<'model' | Method>('model');
  const [overlaid, setOverlaid] = useState<number[]>([]);
  const [storedRuns, setStoredRuns] = useState<ReadonlyMap<number, StoredRun>>(new Map());
  const [selected, setSelected] = useState<string[]>([]);
  const [tab, setTab] = useState<Tab>('chart');
  const [tutorial, setTutorial] = useState(false);
  const [dataDialog, setDataDialog] = useState<'import' | number>();
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string>();
  const editor = useRef<EditorHandle>(null);

  const report = useCallback((message: string) => setError(message), []);

  // --- opening projects and models -------------------------------------------------------------
  const openModel = useCallback(async (snap: ProjectSnapshot, id: number) => {
    const m = await api.getModel(snap.projectId, id);
    setModel({ id: m.id, name: m.name, version: m.version });
    setText(m.text);
    setDocVersion((n) => n + 1);
    setSavedText(m.text);
    setLiveRun(undefined);
    setSelected([]);
  }, []);

  const openProject = useCallback(async (snap: ProjectSnapshot) => {
    setProject(snap);
    setOverlaid([]);
    setStoredRuns(new Map());
    setError(undefined);
    const first = snap.models[0];
    if (first) await openModel(snap, first.id);
    else {
      setModel({ name: 'Untitled model' });
      setLiveRun(undefined);
      setText(NEW_MODEL_TEXT);
      setDocVersion((n) => n + 1);
      setSavedText('');
    }
  }, [openModel]);

  const refreshProject = useCallback(async () => {
    if (project) setProject(await api.getProject(project.projectId));
  }, [project]);

  // --- saving (autosave and explicit) ----------------------------------------------------------
  const save = useCallback(async (note?: string) => {
    if (!project || !model) return undefined;
    // A model still called "Untitled model" takes the title written in its text, once it has one.
    const title = /^model\s+"([^"]+)"/m.exec(text)?.[1]?.trim();
    const taken = new Set(project.models.map((m) => m.name.toLowerCase()));
    const name = /^Untitled model( \d+)?$/.test(model.name) && title && !taken.has(title.toLowerCase()) ? title : model.name;
    const info = await api.saveModel(project.projectId, { ...(model.id !== undefined ? { id: model.id } : {}), name, text, ...(note ? { note } : {}) });
    setModel({ id: info.id, name: info.name, version: info.version });
    setSavedText(text);
    setProject(await api.getProject(project.projectId));
    setStatus(`Saved version ${info.version} at ${new Date().toLocaleTimeString()}`);
    return info;
  }, [project, model, text]);

  useEffect(() => {
    if (!project || !model || text === savedText) return;
    const timer = setTimeout(() => { save('autosave').catch((e: Error) => report(e.message)); }, AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [project, model, text, savedText, save, report]);

  // --- auto-run: debounced, one run in flight, the latest text wins -----------------------------
  const inflight = useRef(false);
  const wanted = useRef<{ text: string; method: 'model' | Method } | undefined>(undefined);
  const runLatest = useCallback(async () => {
    if (inflight.current) return;
    while (wanted.current) {
      const req = wanted.current;
      wanted.current = undefined;
      inflight.current = true;
      try {
        const out = await api.runModel({ text: req.text, file: 'model.cwm', settings: req.method === 'model' ? {} : { method: req.method }, ...(projectRef.current ? { projectId: projectRef.current } : {}) });
        setDiagnostics(out.diagnostics);
        if (out.ok) {
          setLiveRun(out);
          setLiveRunText(req.text);
          setRunMessage(out.nonFinite ? out.nonFinite.message : undefined);
          setStatus(`Ran ${out.times.length} saved steps with ${out.method?.toUpperCase()} (dt ${describeStep(out.dt)}) in ${Math.round(out.elapsedMs)} ms`);
        } else {
          setRunMessage(out.message);
        }
      } catch (e) {
        setRunMessage((e as Error).message);
      } finally {
        inflight.current = false;
      }
    }
  }, []);

  useEffect(() => {
    if (!model) return;
    const timer = setTimeout(() => {
      wanted.current = { text, method };
      void runLatest();
    }, AUTO_RUN_DELAY_MS);
    return () => clearTimeout(timer);
  }, [model, text, method, runLatest]);

  // The open project's data tables: for runs (graphs with data:) and for completing data: lines.
  const projectRef = useRef<string | undefined>(undefined);
  projectRef.current = project?.projectId;
  const tablesKey = project ? project.dataTables.map((t) => `${t.id}@${t.importedAt}`).join(',') : '';
  useEffect(() => {
    setProjectDataTables(project?.dataTables.map((t) => ({ name: t.name, columns: t.columns })) ?? []);
    // A new or changed table can change the results: run again.
    if (project && model) {
      wanted.current = { text, method };
      void runLatest();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tablesKey]);

  // Show something on the chart as soon as a model has run: its stocks, else its first variables.
  useEffect(() => {
    if (!liveRun || liveRun.series.length === 0) return;
    const names = new Set(liveRun.series.map((s) => s.name));
    const still = selected.filter((n) => names.has(n));
    if (still.length > 0) {
      if (still.length !== selected.length) setSelected(still);
      return;
    }
    // Whole stocks before array elements: the headline numbers first.
    const stocks = [...liveRun.series.filter((s) => s.kind === 'stock' && s.name === s.variable), ...liveRun.series.filter((s) => s.kind === 'stock' && s.name !== s.variable)];
    setSelected((stocks.length > 0 ? stocks : liveRun.series).slice(0, 3).map((s) => s.name));
  }, [liveRun, selected]);

  // --- explicit run: saved to the project ------------------------------------------------------
  const runAndKeep = useCallback(async () => {
    if (!project || !model) return;
    try {
      const info = text !== savedText || model.id === undefined ? await save() : { id: model.id };
      if (!info) return;
      const out = await api.runModel({ text, file: 'model.cwm', settings: method === 'model' ? {} : { method }, store: { projectId: project.projectId, modelId: info.id } });
      setDiagnostics(out.diagnostics);
      if (!out.ok) return setRunMessage(out.message);
      setLiveRun(out);
      setStatus(`Kept run "${out.run?.label}"`);
      await refreshProject();
    } catch (e) {
      report((e as Error).message);
    }
  }, [project, model, text, savedText, method, save, refreshProject, report]);

  const toggleRun = useCallback(async (id: number) => {
    if (!project) return;
    if (overlaid.includes(id)) return setOverlaid(overlaid.filter((r) => r !== id));
    if (!storedRuns.has(id)) {
      const run = await api.getRun(project.projectId, id);
      setStoredRuns(new Map(storedRuns).set(id, run));
    }
    setOverlaid([...overlaid, id]);
  }, [project, overlaid, storedRuns]);

  const deleteRun = useCallback(async (id: number) => {
    if (!project) return;
    await api.deleteRun(project.projectId, id);
    setOverlaid(overlaid.filter((r) => r !== id));
    await refreshProject();
  }, [project, overlaid, refreshProject]);

  // --- import and export -----------------------------------------------------------------------
  const importFile = useCallback(async () => {
    if (!project) return;
    const file = await bridge.openFile(IMPORTABLE);
    if (!file) return;
    const out = await api.importModel({ projectId: project.projectId, fileName: file.fileName, content: file.content });
    if (!out.model) {
      setDiagnostics(out.diagnostics);
      return report(`Could not import ${file.fileName}: ${out.diagnostics[0]?.message ?? 'unreadable file'}`);
    }
    const snap = await api.getProject(project.projectId);
    setProject(snap);
    await openModel(snap, out.model.id);
    setStatus(`Imported ${file.fileName} as "${out.model.name}"`);
  }, [project, openModel, report]);

  const exportAs = useCallback(async (format: ExportFormat) => {
    if (!project || model?.id === undefined) return;
    try {
      if (text !== savedText) await save();
      const out = await api.exportModel(project.projectId, model.id, format);
      await bridge.saveFile(out.fileName, out.content);
    } catch (e) {
      report((e as Error).message);
    }
  }, [project, model, text, savedText, save, report]);

  const newModel = useCallback(() => {
    if (!project) return;
    const base = 'Untitled model';
    const taken = new Set(project.models.map((m) => m.name));
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base} ${n}`;
    setModel({ name });
    setText(NEW_MODEL_TEXT.replace('Untitled model', name));
    setDocVersion((n) => n + 1);
    setSavedText('');
    setLiveRun(undefined);
  }, [project]);

  // --- keyboard and native menu ----------------------------------------------------------------
  const handlers = useRef({ save, runAndKeep, importFile, exportAs });
  handlers.current = { save, runAndKeep, importFile, exportAs };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      if (e.key === 's') { e.preventDefault(); handlers.current.save().catch((err: Error) => report(err.message)); }
      if (e.key === 'Enter') { e.preventDefault(); void handlers.current.runAndKeep(); }
    };
    window.addEventListener('keydown', onKey);
    const unsubscribe = bridge.onMenuCommand((cmd: MenuCommand) => {
      if (cmd.command === 'project-opened') void openProject(cmd.snapshot);
      else if (cmd.command === 'save' || cmd.command === 'save-as') handlers.current.save().catch((err: Error) => report(err.message));
      else if (cmd.command === 'run') void handlers.current.runAndKeep();
      else if (cmd.command === 'import') void handlers.current.importFile();
      else if (cmd.command === 'export') void handlers.current.exportAs('stmx');
      else if (cmd.command === 'new-project') setProject(undefined);
    });
    return () => { window.removeEventListener('keydown', onKey); unsubscribe(); };
  }, [openProject, report]);

  // --- what the chart shows --------------------------------------------------------------------
  const chartRuns = useMemo<ChartRun[]>(() => {
    const runs: ChartRun[] = [];
    if (liveRun) runs.push({ key: 'live', label: 'current', times: liveRun.times, series: liveRun.series });
    for (const id of overlaid) {
      const r = storedRuns.get(id);
      if (r) runs.push({ key: `run-${id}`, label: r.label, times: r.times, series: r.series, dashed: true });
    }
    return runs;
  }, [liveRun, overlaid, storedRuns]);

  if (!project) {
    return (
      <div className="app">
        {error ? <div className="error-banner" role="alert" onClick={() => setError(undefined)}>{error}</div> : null}
        <Welcome
          onOpen={(snap) => { setTutorial(false); openProject(snap).catch((e: Error) => report(e.message)); }}
          onStartTutorial={(snap) => { setTutorial(true); openProject(snap).catch((e: Error) => report(e.message)); }}
          onError={report}
        />
      </div>
    );
  }

  const dirty = text !== savedText;
  return (
    <div className={`app workbench${tutorial ? ' with-tutorial' : ''}`}>
      <header className="topbar">
        <button className="brand" onClick={() => setProject(undefined)} title="Projects and examples">Commissioning Workbench</button>
        <input className="model-name" value={model?.name ?? ''} aria-label="Model name" onChange={(e) => model && setModel({ ...model, name: e.target.value })} />
        <span className="save-state" data-testid="save-state">{dirty ? 'Unsaved changes' : model?.version ? `Saved v${model.version}` : ''}</span>
        <div className="spacer" />
        <label>Method{' '}
          <select data-testid="method" value={method} onChange={(e) => setMethod(e.target.value as 'model' | Method)}>
            <option value="model">Model's own</option>
            <option value="euler">Euler</option>
            <option value="rk2">RK2</option>
            <option value="rk4">RK4</option>
          </select>
        </label>
        <button data-testid="run" onClick={() => void runAndKeep()} title="Run and keep the results (Ctrl+Enter)">Run</button>
        <button data-testid="save" onClick={() => { save().catch((e: Error) => report(e.message)); }} title="Save a version (Ctrl+S)">Save</button>
        <button data-testid="import" onClick={() => { importFile().catch((e: Error) => report(e.message)); }}>Import…</button>
        <select data-testid="export" value="" onChange={(e) => { if (e.target.value) void exportAs(e.target.value as ExportFormat); }}>
          <option value="">Export…</option>
          <option value="stmx">Stella (.stmx)</option>
          <option value="xmile">XMILE (.xmile)</option>
          <option value="cwm">Our text (.cwm)</option>
        </select>
      </header>
      {error ? <div className="error-banner" role="alert" onClick={() => setError(undefined)}>{error}</div> : null}
      {dataDialog === 'import' ? (
        <DataImportDialog projectId={project.projectId} onImported={(name) => { setStatus(`Imported the data table "${name}"`); refreshProject().catch((e: Error) => report(e.message)); }} onClose={() => setDataDialog(undefined)} />
      ) : null}
      {typeof dataDialog === 'number' ? (
        <DataTableView projectId={project.projectId} tableId={dataDialog}
          onDelete={() => { api.deleteDataTable(project.projectId, dataDialog).then(refreshProject).then(() => setDataDialog(undefined), (e: Error) => report(e.message)); }}
          onClose={() => setDataDialog(undefined)} />
      ) : null}
      <div className="main">
{tutorial ? (
          <TutorialPanel
            text={text}
            {...(liveRun && liveRunText === text ? { run: liveRun } : {})}
            onShow={(answer) => { setText(answer); setDocVersion((n) => n + 1); }}
            onClose={() => setTutorial(false)}
          />
        ) : (
                  <ProjectTree
            project={project}
            {...(model?.id !== undefined ? { modelId: model.id } : {})}
            overlaid={overlaid}
            onOpenModel={(id) => { openModel(project, id).catch((e: Error) => report(e.message)); }}
            onNewModel={newModel}
            onToggleRun={(id) => { toggleRun(id).catch((e: Error) => report(e.message)); }}
            onDeleteRun={(id) => { deleteRun(id).catch((e: Error) => report(e.message)); }}
            onImportData={() => setDataDialog('import')}
            onOpenData={(id) => setDataDialog(id)}
          />
        )}
        <section className="editor-column">
          <ModelEditor ref={editor} text={text} document={docVersion} onChange={setText} onDiagnostics={setDiagnostics} />
          <ProblemsPanel diagnostics={diagnostics} {...(runMessage ? { message: runMessage } : {})} onJump={(line, column) => editor.current?.reveal(line, column)} />
        </section>
        <section className="results-column">
          <div className="tabs" role="tablist">
            {(['chart', 'table', 'diagram', 'scenarios', 'sensitivity', 'dashboard', 'hypotheses'] as const).map((t) => (
              <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'active' : ''} data-testid={`tab-${t}`} onClick={() => setTab(t)}>
                {TAB_LABELS[t]}
              </button>
            ))}
          </div>
          <div className="tab-body">
            {tab === 'chart' ? <ChartPanel runs={chartRuns} selected={selected} onSelect={setSelected} {...(liveRun?.timeUnit ? { timeUnit: liveRun.timeUnit } : {})} title={model?.name ?? ''} /> : null}
            {tab === 'table' ? <ResultsTable {...(chartRuns[0] ? { run: chartRuns[0] } : {})} selected={selected} /> : null}
            {tab === 'diagram' ? <DiagramPanel text={text} onSelect={(line, column) => editor.current?.reveal(line, column)} /> : null}
            {tab === 'scenarios' ? <ScenariosPanel project={project} {...(model?.id !== undefined ? { modelId: model.id } : {})} text={text} onChanged={() => { refreshProject().catch((e: Error) => report(e.message)); }} onError={report} /> : null}
            {tab === 'dashboard' ? <Dashboard project={project} {...(model?.id !== undefined ? { modelId: model.id } : {})} text={text} onError={report} /> : null}
            {tab === 'hypotheses' ? <HypothesesPanel project={project} {...(model?.id !== undefined ? { modelId: model.id } : {})} text={text} onChanged={() => { refreshProject().catch((e: Error) => report(e.message)); }} onError={report} /> : null}
            {tab === 'sensitivity' ? <SensitivityPanel project={project} {...(model?.id !== undefined ? { modelId: model.id } : {})} text={text} onChanged={() => { refreshProject().catch((e: Error) => report(e.message)); }} onError={report} /> : null}
          </div>
          <footer className="status" data-testid="status">{status}</footer>
        </section>
      </div>
    </div>
  );
}

