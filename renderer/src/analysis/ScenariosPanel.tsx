import { useEffect, useMemo, useState } from 'react';
import { BASELINE_SCENARIO, type ScenarioProblem } from '../../../engine/src/index.js';
import type { ModelDescriptionOutput, ScenarioCompareOutput, ScenarioInfo } from '../../../services/api.js';
import { api, bridge } from '../bridge.js';
import { PlotlyChart } from './PlotlyChart.js';
import { scenarioTraces } from './traces.js';
import { format } from '../numbers.js';
import { type EditingPanelProps } from './panel-props.js';

interface Draft {
  readonly id?: number;
  name: string;
  description: string;
  values: { target: string; value: string }[];
  graphs: { target: string; points: string }[];
}

const CHECK_DELAY_MS = 500;

/** Scenarios of the model: define them, see which no longer fit it, run and compare them. */
export function ScenariosPanel({ project, modelId, text, onChanged, onError }: EditingPanelProps) {
  const scenarios = useMemo(() => project.scenarios.filter((s) => s.modelId === modelId), [project, modelId]);
  const [description, setDescription] = useState<ModelDescriptionOutput>();
  const [problems, setProblems] = useState<ReadonlyMap<string, readonly ScenarioProblem[]>>(new Map());
  const [draft, setDraft] = useState<Draft>();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set([BASELINE_SCENARIO]));
  const [base, setBase] = useState(BASELINE_SCENARIO);
  const [variables, setVariables] = useState<string[]>([]);
  const [times, setTimes] = useState('');
  const [result, setResult] = useState<ScenarioCompareOutput>();
  const [shown, setShown] = useState<string>();
  const [busy, setBusy] = useState(false);

  // What the model offers now, and which scenarios no longer fit it (checked as the text changes).
  useEffect(() => {
    const timer = setTimeout(() => {
      api.describeModel(text, 'model.cwm', project.projectId).then(setDescription, (e: Error) => onError(e.message));
      if (modelId !== undefined && scenarios.length > 0) {
        api.validateScenarios({ text, projectId: project.projectId, modelId }).then(
          (v) => setProblems(new Map(v.scenarios.map((s) => [s.name, s.problems]))),
          (e: Error) => onError(e.message),
        );
      } else setProblems(new Map());
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, project.projectId, modelId, scenarios, onError]);

  const desc = description?.description;
  const targets = useMemo(() => desc?.parameters.flatMap((p) => (p.elements.length > 1 ? [p.name, ...p.elements] : p.elements)) ?? [], [desc]);
  const graphTargets = useMemo(() => desc?.graphs.map((g) => (g.element ? g.element : g.name)) ?? [], [desc]);
  useEffect(() => {
    if (!desc) return;
    if (variables.length === 0) setVariables(desc.outputs.filter((o) => o.kind === 'stock').slice(0, 2).map((o) => o.name));
    if (times === '' && desc.savedTimes.length > 0) setTimes(String(desc.savedTimes.at(-1)));
  }, [desc, variables.length, times]);

  const currentValue = (target: string): string => {
    const p = desc?.parameters.find((x) => x.name === target || x.elements.includes(target));
    if (!p) return '';
    const i = p.elements.indexOf(target);
    return i >= 0 ? String(p.values[i]) : p.values.join(', ');
  };
  const currentPoints = (target: string): string => {
    const g = desc?.graphs.find((x) => (x.element ?? x.name) === target);
    return g ? g.points.map(([x, y]) => `${x}, ${y}`).join('\n') : '';
  };

  const edit = (s?: ScenarioInfo) => setDraft(s ? {
    id: s.id, name: s.name, description: s.description,
    values: Object.entries(s.overrides).map(([target, v]) => ({ target, value: Array.isArray(v) ? v.join(', ') : String(v) })),
    graphs: Object.entries(s.graphs).map(([target, g]) => ({ target, points: g.points.map(([x, y]) => `${x}, ${y}`).join('\n') })),
  } : { name: `Scenario ${scenarios.length + 1}`, description: '', values: [], graphs: [] });

  const save = async () => {
    if (!draft || modelId === undefined) return;
    const overrides: Record<string, number | number[]> = {};
    for (const v of draft.values) {
      const numbers = v.value.split(',').map((x) => Number(x.trim()));
      if (!v.target || numbers.some((n) => !Number.isFinite(n))) return onError(`"${v.target || 'A value'}" needs a number (or numbers separated by commas).`);
      overrides[v.target] = numbers.length === 1 ? numbers[0]! : numbers;
    }
    const graphs: Record<string, { points: [number, number][] }> = {};
    for (const g of draft.graphs) {
      const points = g.points.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => l.split(/[,\s;]+/).map(Number) as [number, number]);
      if (!g.target || points.some((p) => p.length !== 2 || !p.every(Number.isFinite))) return onError(`The points of "${g.target || 'a graph'}" must be lines of "x, y".`);
      graphs[g.target] = { points };
    }
    try {
      await api.saveScenario(project.projectId, { ...(draft.id !== undefined ? { id: draft.id } : {}), modelId, name: draft.name, description: draft.description, overrides, graphs });
      setDraft(undefined);
      onChanged();
    } catch (e) {
      onError((e as Error).message);
    }
  };

  const compare = async () => {
    const refs = [...chosen].map((name) => {
      const s = scenarios.find((x) => x.name === name);
      return s ? { id: s.id } : { name };
    });
    if (refs.length === 0) return onError('Tick at least one scenario to run.');
    const at = times.split(',').map((t) => Number(t.trim())).filter((t) => Number.isFinite(t));
    setBusy(true);
    try {
      const out = await api.compareScenarios({ text, projectId: project.projectId, scenarios: refs, base: chosen.has(base) ? base : [...chosen][0]!, variables, ...(at.length ? { times: at } : {}) });
      setResult(out);
      setShown(variables[0]);
      if (!out.ok) onError(out.message ?? out.problems[0]?.message ?? 'The scenarios could not be compared.');
    } catch (e) {
      onError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (name: string) => {
    const next = new Set(chosen);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    setChosen(next);
  };

  if (modelId === undefined) return <p className="empty">Save the model first: scenarios belong to a saved model.</p>;
  const comparison = result?.comparison;
  return (
    <div className="analysis-panel" data-testid="scenarios-panel">
      <section>
        <div className="toolbar-row"><h3>Scenarios</h3><button data-testid="scenario-new" onClick={() => edit()}>New scenario</button></div>
        <ul className="scenario-list">
          <li><label><input type="checkbox" checked={chosen.has(BASELINE_SCENARIO)} onChange={() => toggle(BASELINE_SCENARIO)} data-testid="scenario-pick" data-name={BASELINE_SCENARIO} /> <strong>{BASELINE_SCENARIO}</strong> <small>the model as it is</small></label></li>
          {scenarios.map((s) => {
            const own = problems.get(s.name) ?? [];
            return (
              <li key={s.id} className={own.length ? 'stale' : ''}>
                <label><input type="checkbox" checked={chosen.has(s.name)} onChange={() => toggle(s.name)} data-testid="scenario-pick" data-name={s.name} /> <strong>{s.name}</strong></label>
                <small> {Object.keys(s.overrides).length} values, {Object.keys(s.graphs).length} graphs{s.description ? ` · ${s.description}` : ''}</small>
                <button className="small" onClick={() => edit(s)}>Edit</button>
                <button className="small" onClick={() => { if (confirm(`Delete the scenario "${s.name}"?`)) api.deleteScenario(project.projectId, s.id).then(onChanged, (e: Error) => onError(e.message)); }}>×</button>
                {own.length ? <ul className="scenario-problems" data-testid="scenario-problems">{own.map((p, i) => <li key={i}>{p.message}</li>)}</ul> : null}
              </li>
            );
          })}
        </ul>
      </section>

      {draft ? (
        <section className="scenario-editor" data-testid="scenario-editor">
          <label className="field">Name <input data-testid="scenario-name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} /></label>
          <label className="field">Description <input value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} placeholder="What this future assumes" /></label>
          <h4>Values</h4>
          {draft.values.map((v, i) => (
            <div className="field" key={i}>
              <select data-testid="scenario-target" value={v.target} onChange={(e) => { const values = [...draft.values]; values[i] = { target: e.target.value, value: v.value || currentValue(e.target.value) }; setDraft({ ...draft, values }); }}>
                <option value="">Choose a constant or initial value…</option>
                {targets.map((t) => <option key={t} value={t}>{t}</option>)}
              </select>
              <input data-testid="scenario-value" value={v.value} onChange={(e) => { const values = [...draft.values]; values[i] = { ...v, value: e.target.value }; setDraft({ ...draft, values }); }} placeholder={currentValue(v.target)} />
              <small title="The model's value">now {currentValue(v.target) || '–'}</small>
              <button className="small" onClick={() => setDraft({ ...draft, values: draft.values.filter((_, j) => j !== i) })}>×</button>
            </div>
          ))}
          <button className="small" data-testid="scenario-add-value" onClick={() => setDraft({ ...draft, values: [...draft.values, { target: '', value: '' }] })}>+ value</button>
          <h4>Graphs</h4>
          {draft.graphs.map((g, i) => (
            <div className="field graph-override" key={i}>
              <select value={g.target} onChange={(e) => { const graphs = [...draft.graphs]; graphs[i] = { target: e.target.value, points: g.points || currentPoints(e.target.value) }; setDraft({ ...draft, graphs }); }}>
                <option value="">Choose a graph…</option>
                {graphTargets.map((t) => <option key={t} value={t}>{t}</option>)}
              </select>
              <textarea rows={4} value={g.points} onChange={(e) => { const graphs = [...draft.graphs]; graphs[i] = { ...g, points: e.target.value }; setDraft({ ...draft, graphs }); }} placeholder="x, y on each line" />
              <button className="small" onClick={() => setDraft({ ...draft, graphs: draft.graphs.filter((_, j) => j !== i) })}>×</button>
            </div>
          ))}
          <button className="small" onClick={() => setDraft({ ...draft, graphs: [...draft.graphs, { target: '', points: '' }] })}>+ graph</button>
          <div className="modal-buttons">
            <button onClick={() => setDraft(undefined)}>Cancel</button>
            <button data-testid="scenario-save" onClick={() => void save()}>Save scenario</button>
          </div>
        </section>
      ) : null}

      <section>
        <h3>Compare</h3>
        <div className="field">
          <label>Against <select data-testid="scenario-base" value={base} onChange={(e) => setBase(e.target.value)}>{[BASELINE_SCENARIO, ...scenarios.map((s) => s.name)].map((n) => <option key={n}>{n}</option>)}</select></label>
          <label>At times <input data-testid="scenario-times" value={times} onChange={(e) => setTimes(e.target.value)} placeholder="2030, 2035" /></label>
        </div>
        <label className="field">Variables
          <select multiple size={5} data-testid="scenario-variables" value={variables} onChange={(e) => setVariables([...e.target.selectedOptions].map((o) => o.value))}>
            {desc?.outputs.map((o) => <option key={o.name} value={o.name}>{o.name}{o.units ? ` [${o.units}]` : ''}</option>)}
          </select>
        </label>
        <button data-testid="scenario-compare" onClick={() => void compare()} disabled={busy || chosen.size === 0}>{busy ? 'Running…' : 'Run and compare'}</button>
      </section>

      {result?.ok && comparison ? (
        <section>
          <div className="toolbar-row">
            <select value={shown} onChange={(e) => setShown(e.target.value)}>{variables.map((v) => <option key={v}>{v}</option>)}</select>
            <button data-testid="scenario-csv" onClick={() => void bridge.saveFile('scenario-comparison.csv', result.csv ?? '')}>Export CSV</button>
          </div>
          <PlotlyChart testId="scenario-chart" fileName="scenarios" traces={scenarioTraces(result, shown ?? variables[0] ?? '', comparison.base)}
            layout={{ xaxis: { title: { text: result.timeUnit ? `Time (${result.timeUnit})` : 'Time' } }, yaxis: { title: { text: shown ?? '' } } }} />
          <div className="table-scroll">
            <table className="data-grid" data-testid="scenario-table">
              <thead>
                <tr><th>Variable</th><th>Time</th>{comparison.scenarios.map((s) => <th key={s}>{s}</th>)}{comparison.scenarios.filter((s) => s !== comparison.base).map((s) => <th key={`d${s}`}>{s} − {comparison.base}</th>)}{comparison.scenarios.filter((s) => s !== comparison.base).map((s) => <th key={`p${s}`}>{s} % vs {comparison.base}</th>)}</tr>
              </thead>
              <tbody>
                {comparison.rows.map((r, i) => {
                  const others = comparison.scenarios.map((s, j) => ({ s, j })).filter((x) => x.s !== comparison.base);
                  return (
                    <tr key={i}>
                      <td>{r.variable}{r.units ? <small> [{r.units}]</small> : null}</td><td>{r.time}</td>
                      {r.values.map((v, j) => <td key={j}>{format(v)}</td>)}
                      {others.map(({ j }) => <td key={`d${j}`}>{format(r.differences[j] ?? null)}</td>)}
                      {others.map(({ j }) => <td key={`p${j}`}>{r.percentDifferences[j] === null || r.percentDifferences[j] === undefined ? '' : `${r.percentDifferences[j]!.toFixed(1)}%`}</td>)}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {result && !result.ok && result.problems.length ? <ul className="scenario-problems">{result.problems.map((p, i) => <li key={i}>{p.scenario}: {p.message}</li>)}</ul> : null}
    </div>
  );
}
