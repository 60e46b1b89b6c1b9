import { useEffect, useMemo, useRef, useState } from 'react';
import {
  availableTables, checkSpec, density, formatDistribution, summarise,
  type Distribution, type SensitivityResult, type SensitivitySpec, type SensitivityTable,
} from '../../../engine/src/index.js';
import type { ModelDescriptionOutput, SensitivityProgress, SensitivitySource } from '../../../services/api.js';
import { api, bridge } from '../bridge.js';
import { PlotlyChart } from './PlotlyChart.js';
import { buildSpec, FIELDS, isOptional, rowDistribution, type ParameterRow } from './spec-form.js';
import { fanTraces, scatterTraces, spaghettiTraces, tornadoTraces } from './traces.js';
import { type EditingPanelProps } from './panel-props.js';

type Method = SensitivitySpec['method'];
type Kind = Distribution['kind'];
const POLL_MS = 250;
type View = 'fan' | 'spaghetti' | 'scatter' | 'tornado' | 'sweeps';

/** Monte Carlo, Latin hypercube, one-at-a-time sweeps and tornado diagrams on the model in the editor. */
export function SensitivityPanel({ project, modelId, text, onChanged, onError }: EditingPanelProps) {
  const [description, setDescription] = useState<ModelDescriptionOutput>();
  const [method, setMethod] = useState<Method>('mc');
  const [rows, setRows] = useState<ParameterRow[]>([]);
  const [outputs, setOutputs] = useState<string[]>([]);
  const [runs, setRuns] = useState('1000');
  const [seed, setSeed] = useState('1');
  const [percentiles, setPercentiles] = useState('5, 25, 50, 75, 95');
  const [samples, setSamples] = useState('20');
  const [tornadoOutput, setTornadoOutput] = useState('');
  const [atTime, setAtTime] = useState('');
  const [progress, setProgress] = useState<SensitivityProgress>();
  const [result, setResult] = useState<SensitivityResult>();
  const [source, setSource] = useState<SensitivitySource>();
  const [view, setView] = useState<View>('fan');
  const [shownOutput, setShownOutput] = useState('');
  const [shownParameter, setShownParameter] = useState('');
  const polling = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    const timer = setTimeout(() => api.describeModel(text, 'model.cwm', project.projectId).then(setDescription, (e: Error) => onError(e.message)), 400);
    return () => clearTimeout(timer);
  }, [text, project.projectId, onError]);
  useEffect(() => () => { if (polling.current) clearTimeout(polling.current); }, []);
  const desc = description?.description;
  useEffect(() => {
    if (!desc) return;
    if (outputs.length === 0) setOutputs(desc.outputs.filter((o) => o.kind === 'stock').slice(0, 1).map((o) => o.name));
    if (atTime === '' && desc.savedTimes.length) setAtTime(String(desc.savedTimes.at(-1)));
    if (!tornadoOutput && desc.outputs[0]) setTornadoOutput(desc.outputs.find((o) => o.kind === 'stock')?.name ?? desc.outputs[0].name);
  }, [desc, outputs.length, atTime, tornadoOutput]);

  const targets = useMemo(() => desc?.parameters.flatMap((p) => (p.elements.length > 1 ? [p.name, ...p.elements] : p.elements)) ?? [], [desc]);
  const baseOf = (name: string): number | undefined => {
    const p = desc?.parameters.find((x) => x.name === name || x.elements.includes(name));
    const i = p ? Math.max(0, p.elements.indexOf(name)) : -1;
    return p ? p.values[i] : undefined;
  };
  const addRow = () => {
    const name = targets.find((t) => !rows.some((r) => r.name === t)) ?? '';
    const b = baseOf(name) ?? 1;
    setRows([...rows, { name, scale: false, kind: 'uniform', fields: { min: String(b * 0.8), max: String(b * 1.2) }, values: [b * 0.8, b, b * 1.2].join(', '), low: String(b * 0.8), high: String(b * 1.2) }]);
  };
  const setRow = (i: number, patch: Partial<ParameterRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const time = Number(atTime);
  const spec = buildSpec(method, rows, outputs, Number(runs), Number(seed), percentiles.split(',').map((p) => Number(p.trim())).filter(Number.isFinite),
    { output: tornadoOutput, ...(atTime ? { time } : {}) }, Number(samples) || 0, atTime && Number.isFinite(time) ? time : undefined);
  const problems = typeof spec === 'string' ? [spec] : rows.length === 0 ? ['Add at least one parameter.'] : checkSpec(spec).problems.map((p) => `${p.path}: ${p.message}`);

  const running = progress?.state === 'running';
  const start = async () => {
    if (typeof spec === 'string' || problems.length) return;
    setResult(undefined);
    const started = await api.startSensitivity({ text, spec, projectId: project.projectId, ...(modelId !== undefined ? { store: { projectId: project.projectId, modelId } } : {}) });
    if (!started.ok) return onError(started.message ?? started.problems[0]?.message ?? started.scenarioProblems[0]?.message ?? started.diagnostics[0]?.message ?? 'The analysis cannot run.');
    setSource({ jobId: started.jobId });
    const poll = async () => {
      const p = await api.getSensitivityProgress(started.jobId);
      setProgress(p);
      if (p.state === 'running') {
        polling.current = setTimeout(() => void poll(), POLL_MS);
        return;
      }
      const out = await api.getSensitivityResult(started.jobId);
      if (out.result) show(out.result);
      if (p.state === 'failed') onError(p.message ?? 'The analysis failed.');
      onChanged();
    };
    void poll();
  };
  const show = (r: SensitivityResult) => {
    setResult(r);
    setShownOutput(r.outputs[0]?.name ?? '');
    setShownParameter(r.parameters[0]?.name ?? '');
    setView(r.method === 'tornado' ? 'tornado' : r.method === 'oat' ? 'sweeps' : 'fan');
  };
  const openStored = async (id: number) => {
    const stored = await api.getSensitivityRun(project.projectId, id);
    setSource({ projectId: project.projectId, sensitivityRunId: id });
    setProgress(undefined);
    show(stored.result);
  };
  const exportCsv = async (table: SensitivityTable) => {
    if (!source) return;
    const out = await api.exportSensitivityCsv(source, table);
    await bridge.saveFile(out.fileName, out.content);
  };

  const unitsOf = (name: string) => result?.outputs.find((o) => o.name === name)?.units;
  const timeAxis = { title: { text: result?.timeUnit ? `Time (${result.timeUnit})` : 'Time' } };
  return (
    <div className="analysis-panel" data-testid="sensitivity-panel">
      <section>
        <div className="field">
          <label>Method <select data-testid="sens-method" value={method} onChange={(e) => setMethod(e.target.value as Method)}>
            <option value="mc">Monte Carlo</option><option value="lhs">Latin hypercube</option><option value="oat">One at a time (sweeps)</option><option value="tornado">Tornado</option>
          </select></label>
          {method === 'mc' || method === 'lhs' ? <label>Runs <input data-testid="sens-runs" value={runs} onChange={(e) => setRuns(e.target.value)} size={7} /></label> : null}
          <label>Seed <input data-testid="sens-seed" value={seed} onChange={(e) => setSeed(e.target.value)} size={5} /></label>
        </div>
        <h4>Parameters <button className="small" data-testid="sens-add" onClick={addRow}>+ parameter</button></h4>
        {rows.map((r, i) => {
          const d = method === 'mc' || method === 'lhs' ? rowDistribution(r) : undefined;
          return (
            <div className="sens-row" key={i} data-testid="sens-row">
              <select data-testid="sens-param" value={r.name} onChange={(e) => setRow(i, { name: e.target.value })}>
                {targets.map((t) => <option key={t} value={t}>{t}</option>)}
              </select>
              <label title="The value multiplies the parameter's base value"><input type="checkbox" checked={r.scale} onChange={(e) => setRow(i, { scale: e.target.checked })} /> × base</label>
              {method === 'mc' || method === 'lhs' ? <>
                <select data-testid="sens-kind" value={r.kind} onChange={(e) => setRow(i, { kind: e.target.value as Kind })}>
                  {(Object.keys(FIELDS) as Kind[]).map((k) => <option key={k}>{k}</option>)}
                </select>
                {FIELDS[r.kind].map((f) => <input key={f} data-testid={`sens-${f}`} placeholder={isOptional(r.kind, f) ? `${f} (optional)` : f} value={r.fields[f] ?? ''} onChange={(e) => setRow(i, { fields: { ...r.fields, [f]: e.target.value } })} size={f === 'values' || f === 'probabilities' ? 14 : 7} />)}
                {typeof d === 'string' ? <span className="bad">{d}</span> : d ? <DistributionPreview d={d} /> : null}
              </> : method === 'oat' ? (
                <input data-testid="sens-values" value={r.values} onChange={(e) => setRow(i, { values: e.target.value })} placeholder="values, comma separated" size={24} />
              ) : <>
                <input data-testid="sens-low" value={r.low} onChange={(e) => setRow(i, { low: e.target.value })} placeholder="low" size={7} />
                <input data-testid="sens-high" value={r.high} onChange={(e) => setRow(i, { high: e.target.value })} placeholder="high" size={7} />
              </>}
              <small>base {baseOf(r.name) ?? '–'}</small>
              <button className="small" onClick={() => setRows(rows.filter((_, j) => j !== i))}>×</button>
            </div>
          );
        })}
        <div className="field">
          <label>Outputs <select multiple size={4} data-testid="sens-outputs" value={outputs} onChange={(e) => setOutputs([...e.target.selectedOptions].map((o) => o.value))}>
            {desc?.outputs.map((o) => <option key={o.name} value={o.name}>{o.name}</option>)}
          </select></label>
          <div className="stack">
            <label>Percentiles <input value={percentiles} onChange={(e) => setPercentiles(e.target.value)} size={16} /></label>
            {method === 'mc' || method === 'lhs' ? <label>Keep runs for spaghetti <input value={samples} onChange={(e) => setSamples(e.target.value)} size={4} /></label> : null}
            <label>{method === 'tornado' ? 'Ranked at time' : 'Scatter at time'} <input data-testid="sens-time" value={atTime} onChange={(e) => setAtTime(e.target.value)} size={6} /></label>
            {method === 'tornado' ? <label>Ranked on <select value={tornadoOutput} onChange={(e) => setTornadoOutput(e.target.value)}>{desc?.outputs.map((o) => <option key={o.name}>{o.name}</option>)}</select></label> : null}
          </div>
        </div>
        {problems.length ? <ul className="scenario-problems" data-testid="sens-problems">{problems.slice(0, 5).map((p, i) => <li key={i}>{p}</li>)}</ul> : null}
        <div className="field">
          <button data-testid="sens-run" onClick={() => void start()} disabled={problems.length > 0 || running}>Run analysis</button>
          {running ? <button data-testid="sens-cancel" onClick={() => void api.cancelSensitivity(progress!.jobId)}>Cancel</button> : null}
        </div>
        {progress ? <ProgressBar progress={progress} /> : null}
      </section>

      {result ? (
        <section data-testid="sens-results">
          <div className="toolbar-row">
            <div className="tabs-inline">
              {(['fan', 'spaghetti', 'scatter', 'tornado', 'sweeps'] as const).filter((v) => (v === 'tornado' ? !!result.tornado : v === 'sweeps' ? !!result.sweeps : v === 'scatter' ? !!result.scatter : v === 'spaghetti' ? result.samples.length > 0 : result.method !== 'tornado')).map((v) => (
                <button key={v} className={view === v ? 'active' : ''} data-testid={`sens-view-${v}`} onClick={() => setView(v)}>{v === 'fan' ? 'Fan chart' : v[0]!.toUpperCase() + v.slice(1)}</button>
              ))}
            </div>
            <span>{result.completedRuns} runs{result.failedRuns ? `, ${result.failedRuns} failed` : ''}{result.complete ? '' : ' (cancelled)'}</span>
            <select onChange={(e) => { if (e.target.value) void exportCsv(e.target.value as SensitivityTable); e.target.value = ''; }} value="" data-testid="sens-csv">
              <option value="">Export CSV…</option>
              {availableTables(result).map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </div>
          {view !== 'tornado' ? <div className="field">
            <label>Output <select value={shownOutput} onChange={(e) => setShownOutput(e.target.value)}>{result.outputs.map((o) => <option key={o.name}>{o.name}</option>)}</select></label>
            {view === 'scatter' ? <label>Parameter <select value={shownParameter} onChange={(e) => setShownParameter(e.target.value)}>{result.parameters.map((p) => <option key={p.name}>{p.name}</option>)}</select></label> : null}
          </div> : null}
          {view === 'fan' ? <PlotlyChart testId="sens-chart" fileName={`fan-${shownOutput}`} traces={fanTraces(result, shownOutput)} layout={{ xaxis: timeAxis, yaxis: { title: { text: unitsOf(shownOutput) ?? shownOutput } } }} /> : null}
          {view === 'spaghetti' ? <PlotlyChart testId="sens-chart" fileName={`runs-${shownOutput}`} traces={spaghettiTraces(result, shownOutput)} layout={{ xaxis: timeAxis, yaxis: { title: { text: unitsOf(shownOutput) ?? shownOutput } } }} /> : null}
          {view === 'scatter' && result.scatter ? <>
            <PlotlyChart testId="sens-chart" fileName="scatter" traces={scatterTraces(result, shownParameter, shownOutput, result.scatter.outputs[0]?.time ?? 0)} layout={{ xaxis: { title: { text: shownParameter } }, yaxis: { title: { text: `${shownOutput} at ${result.scatter.outputs[0]?.time}` } } }} />
            <CorrelationTable result={result} />
          </> : null}
          {view === 'tornado' && result.tornado ? <PlotlyChart testId="sens-chart" fileName="tornado" traces={tornadoTraces(result)} layout={{ barmode: 'overlay', xaxis: { title: { text: `${result.tornado.output} at ${result.tornado.time} (base ${result.tornado.base})` } }, margin: { l: 220, r: 20, t: 30, b: 50 } }} /> : null}
          {view === 'sweeps' && result.sweeps ? <SweepTable result={result} /> : null}
        </section>
      ) : null}

      {project.sensitivityRuns.length ? (
        <section>
          <h4>Kept analyses</h4>
          <ul className="scenario-list">{project.sensitivityRuns.filter((r) => r.modelId === modelId).map((r) => (
            <li key={r.id}><button className="linkish" data-testid="sens-stored" onClick={() => void openStored(r.id)}>{r.label}</button> <small>{r.method}, {r.completedRuns} runs, {new Date(r.createdAt).toLocaleString()}</small></li>
          ))}</ul>
        </section>
      ) : null}
    </div>
  );
}

function ProgressBar({ progress }: { readonly progress: SensitivityProgress }) {
  const share = progress.runsTotal ? progress.runsDone / progress.runsTotal : 0;
  return (
    <div className="progress" data-testid="sens-progress" data-state={progress.state}>
      <div className="progress-bar"><div style={{ width: `${Math.round(share * 100)}%` }} /></div>
      <small>{progress.runsDone.toLocaleString('en-GB')} of {progress.runsTotal.toLocaleString('en-GB')} runs · {Math.round(progress.runsPerSecond).toLocaleString('en-GB')} runs/s
        {progress.etaMs !== null && progress.state === 'running' ? ` · ${Math.ceil(progress.etaMs / 1000)} s left` : ''} · {progress.state}</small>
    </div>
  );
}

/** A small picture of a distribution's density with its 5th–95th percentile range. */
function DistributionPreview({ d }: { readonly d: Distribution }) {
  const s = summarise(d);
  const lo = d.kind === 'discrete' ? Math.min(...d.values) : s.p5 - (s.p95 - s.p5) * 0.3;
  const hi = d.kind === 'discrete' ? Math.max(...d.values) : s.p95 + (s.p95 - s.p5) * 0.3;
  const xs = Array.from({ length: 41 }, (_, i) => lo + ((hi - lo) * i) / 40);
  const ys = d.kind === 'discrete' ? xs.map(() => 0) : xs.map((x) => density(d, x));
  const top = Math.max(...ys, 1e-12);
  const path = xs.map((x, i) => `${i ? 'L' : 'M'}${((x - lo) / (hi - lo || 1)) * 100},${24 - (ys[i]! / top) * 22}`).join(' ');
  return (
    <span className="dist-preview" title={`${formatDistribution(d)}: mean ${s.mean.toPrecision(4)}, sd ${s.sd.toPrecision(3)}, 5–95% ${s.p5.toPrecision(4)}–${s.p95.toPrecision(4)}`}>
      <svg width="100" height="26" viewBox="0 0 100 26" aria-hidden="true"><path d={path} fill="none" stroke="#1f6feb" strokeWidth="1.5" /></svg>
      <small>mean {s.mean.toPrecision(3)}</small>
    </span>
  );
}

function CorrelationTable({ result }: { readonly result: SensitivityResult }) {
  return (
    <table className="data-grid" data-testid="sens-correlations">
      <thead><tr><th>Parameter</th><th>Output</th><th>Time</th><th>Pearson r</th><th>Spearman ρ</th></tr></thead>
      <tbody>{result.correlations.map((c, i) => <tr key={i}><td>{c.parameter}</td><td>{c.output}</td><td>{c.time}</td><td>{c.pearson?.toFixed(3) ?? ''}</td><td>{c.spearman?.toFixed(3) ?? ''}</td></tr>)}</tbody>
    </table>
  );
}

function SweepTable({ result }: { readonly result: SensitivityResult }) {
  return (
    <div className="table-scroll">
      <table className="data-grid" data-testid="sens-sweeps">
        <thead><tr><th>Parameter</th><th>Output</th><th>Time</th><th>Base</th><th>Values → results</th></tr></thead>
        <tbody>{(result.sweeps ?? []).flatMap((s) => s.outputs.map((o, i) => (
          <tr key={`${s.parameter}-${i}`}><td>{s.parameter}</td><td>{o.name}</td><td>{o.time}</td><td>{o.base ?? ''}</td><td>{s.values.map((v, j) => `${v} → ${o.values[j] === null ? '–' : Number(o.values[j]!.toPrecision(6))}`).join(';  ')}</td></tr>
        )))}</tbody>
      </table>
    </div>
  );
}
