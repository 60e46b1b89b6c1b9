import { useEffect, useMemo, useState } from 'react';
import { BASELINE_SCENARIO, type HypothesisComparison, type HypothesisTest } from '../../../engine/src/index.js';
import type { HypothesisEvaluation, HypothesisInfo, ModelDescriptionOutput } from '../../../services/api.js';
import { PlotlyChart } from '../analysis/PlotlyChart.js';
import type { PlotTrace } from '../analysis/traces.js';
import { api } from '../bridge.js';
import { type EditingPanelProps } from '../analysis/panel-props.js';

const JUDGE_DELAY_MS = 700;
const STATUS_LABEL = { supported: 'Supported', 'not supported': 'Not supported', untested: 'No test', 'cannot test': 'Cannot test' } as const;

interface Draft {
  id?: number;
  statement: string;
  withTest: boolean;
  left: { variable: string; time: string; scenario: string };
  op: HypothesisComparison;
  rightKind: 'value' | 'run';
  value: string;
  right: { variable: string; time: string; scenario: string };
}

/** The evidence for one hypothesis: the tested variables over time in the scenarios it names, the tested points marked. */
export function evidenceTraces(test: HypothesisTest, runs: HypothesisEvaluation['runs']): PlotTrace[] {
  const operands = [test.left, ...('variable' in test.right ? [test.right] : [])];
  const traces: PlotTrace[] = [];
  const seen = new Set<string>();
  for (const o of operands) {
    const key = `${o.scenario}\u0000${o.variable}`;
    const run = runs.find((r) => r.scenario.toLowerCase() === o.scenario.toLowerCase());
    const s = run?.series.find((x) => x.name.toLowerCase() === o.variable.toLowerCase());
    if (!run || !s) continue;
    if (!seen.has(key)) {
      seen.add(key);
      traces.push({ x: run.times, y: s.values, name: `${o.variable} (${o.scenario})`, type: 'scatter', mode: 'lines', line: { width: 2 }, meta: { scenario: o.scenario, variable: o.variable } });
    }
    const i = run.times.indexOf(o.time);
    if (i >= 0) traces.push({ x: [o.time], y: [s.values[i]!], name: `tested: ${o.time}`, type: 'scatter', mode: 'markers', marker: { size: 10, color: '#b91c1c' }, showlegend: false });
  }
  if ('value' in test.right && runs[0]) {
    const t = runs[0].times;
    traces.push({ x: [t[0]!, t[t.length - 1]!], y: [test.right.value, test.right.value], name: `threshold ${test.right.value}`, type: 'scatter', mode: 'lines', line: { dash: 'dot', color: '#6b7280', width: 1.5 } });
  }
  return traces;
}

/** The hypothesis register: statements, their tests on the model, and the verdict of the latest run. */
export function HypothesesPanel({ project, modelId, text, onChanged, onError }: EditingPanelProps) {
  const hypotheses = useMemo(() => project.hypotheses.filter((h) => h.modelId === modelId), [project, modelId]);
  const scenarioNames = useMemo(() => [BASELINE_SCENARIO, ...project.scenarios.filter((s) => s.modelId === modelId).map((s) => s.name)], [project, modelId]);
  const [evaluation, setEvaluation] = useState<HypothesisEvaluation>();
  const [description, setDescription] = useState<ModelDescriptionOutput>();
  const [draft, setDraft] = useState<Draft>();
  const [selected, setSelected] = useState<number>();

  // Judged again whenever the model or the register changes: every run gives its verdicts.
  useEffect(() => {
    if (modelId === undefined || hypotheses.length === 0) { setEvaluation(undefined); return; }
    const timer = setTimeout(() => {
      api.evaluateHypotheses({ text, projectId: project.projectId, modelId }).then(setEvaluation, (e: Error) => onError(e.message));
    }, JUDGE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, hypotheses, project.projectId, modelId, onError]);
  useEffect(() => {
    const timer = setTimeout(() => api.describeModel(text, 'model.cwm', project.projectId).then(setDescription, () => undefined), JUDGE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, project.projectId]);

  const outputs = description?.description?.outputs.flatMap((o) => (o.elements.length > 1 ? o.elements : [o.name])) ?? [];
  const times = description?.description?.savedTimes ?? [];
  const blank = (): Draft['left'] => ({ variable: outputs[0] ?? '', time: String(times.at(-1) ?? ''), scenario: BASELINE_SCENARIO });
  const edit = (h?: HypothesisInfo) => {
    const t = h?.test;
    const operand = (o: { variable: string; time: number; scenario: string } | undefined) => (o ? { variable: o.variable, time: String(o.time), scenario: o.scenario } : blank());
    setDraft({
      ...(h ? { id: h.id } : {}), statement: h?.statement ?? '', withTest: !!t || !h, left: operand(t?.left), op: t?.op ?? '<',
      rightKind: t && 'variable' in t.right ? 'run' : 'value', value: t && 'value' in t.right ? String(t.right.value) : '', right: operand(t && 'variable' in t.right ? t.right : undefined),
    });
  };
  const save = async () => {
    if (!draft || modelId === undefined) return;
    const operand = (o: Draft['left']) => ({ variable: o.variable, time: Number(o.time), scenario: o.scenario });
    const test: HypothesisTest | undefined = draft.withTest
      ? { left: operand(draft.left), op: draft.op, right: draft.rightKind === 'value' ? { value: Number(draft.value) } : operand(draft.right) }
      : undefined;
    try {
      await api.saveHypothesis(project.projectId, { ...(draft.id !== undefined ? { id: draft.id } : {}), modelId, statement: draft.statement, ...(test ? { test } : {}) });
      setDraft(undefined);
      onChanged();
    } catch (e) {
      onError((e as Error).message);
    }
  };

  if (modelId === undefined) return <p className="empty">Save the model first: hypotheses belong to a saved model.</p>;
  const verdictOf = (id: number) => evaluation?.verdicts.find((v) => v.id === id);
  const chosen = hypotheses.find((h) => h.id === selected);
  const Operand = ({ value, onChange }: { value: Draft['left']; onChange: (v: Draft['left']) => void }) => (
    <span className="operand">
      <select data-testid="hyp-variable" value={value.variable} onChange={(e) => onChange({ ...value, variable: e.target.value })}>{outputs.map((o) => <option key={o}>{o}</option>)}</select>
      in <select data-testid="hyp-time" value={value.time} onChange={(e) => onChange({ ...value, time: e.target.value })}>{times.map((t) => <option key={t}>{t}</option>)}</select>
      under <select data-testid="hyp-scenario" value={value.scenario} onChange={(e) => onChange({ ...value, scenario: e.target.value })}>{scenarioNames.map((s) => <option key={s}>{s}</option>)}</select>
    </span>
  );

  return (
    <div className="analysis-panel" data-testid="hypotheses-panel">
      <div className="toolbar-row"><h3>Hypotheses</h3><button data-testid="hyp-new" onClick={() => edit()}>New hypothesis</button></div>
      {evaluation && !evaluation.ok ? <p className="bad">{evaluation.message}</p> : null}
      <ol className="hypothesis-list">
        {hypotheses.map((h) => {
          const v = verdictOf(h.id);
          return (
            <li key={h.id} className={h.id === selected ? 'selected' : ''}>
              <button className="linkish statement" onClick={() => setSelected(h.id)}>{h.statement}</button>
              <span className={`verdict ${v?.status.replace(' ', '-') ?? 'pending'}`} data-testid="hyp-verdict" data-status={v?.status ?? 'pending'}>{v ? STATUS_LABEL[v.status] : '…'}</span>
              {v ? <small className="evidence">{v.message}</small> : null}
              <span className="row-buttons"><button className="small" onClick={() => edit(h)}>Edit</button>
                <button className="small" onClick={() => { if (confirm('Delete this hypothesis?')) api.deleteHypothesis(project.projectId, h.id).then(onChanged, (e: Error) => onError(e.message)); }}>×</button></span>
            </li>
          );
        })}
      </ol>
      {chosen?.test && evaluation ? (
        <PlotlyChart testId="hyp-chart" fileName="hypothesis-evidence" traces={evidenceTraces(chosen.test, evaluation.runs)}
          layout={{ title: { text: chosen.statement, font: { size: 13 } }, xaxis: { title: { text: evaluation.timeUnit ? `Time (${evaluation.timeUnit})` : 'Time' } } }} height={300} />
      ) : null}
      {draft ? (
        <section className="scenario-editor" data-testid="hyp-editor">
          <label className="field">Statement <textarea data-testid="hyp-statement" rows={2} value={draft.statement} onChange={(e) => setDraft({ ...draft, statement: e.target.value })} placeholder="Investing in extra care housing will let us buy fewer residential beds" /></label>
          <label><input type="checkbox" checked={draft.withTest} onChange={(e) => setDraft({ ...draft, withTest: e.target.checked })} /> Test it on the model</label>
          {draft.withTest ? <div className="field">
            <Operand value={draft.left} onChange={(left) => setDraft({ ...draft, left })} />
            <select data-testid="hyp-op" value={draft.op} onChange={(e) => setDraft({ ...draft, op: e.target.value as HypothesisComparison })}>{(['<', '<=', '>', '>='] as const).map((o) => <option key={o}>{o}</option>)}</select>
            <select value={draft.rightKind} onChange={(e) => setDraft({ ...draft, rightKind: e.target.value as Draft['rightKind'] })}><option value="value">a number</option><option value="run">a value of the model</option></select>
            {draft.rightKind === 'value' ? <input data-testid="hyp-value" value={draft.value} onChange={(e) => setDraft({ ...draft, value: e.target.value })} size={8} /> : <Operand value={draft.right} onChange={(right) => setDraft({ ...draft, right })} />}
          </div> : null}
          <div className="modal-buttons"><button onClick={() => setDraft(undefined)}>Cancel</button><button data-testid="hyp-save" onClick={() => void save()}>Save hypothesis</button></div>
        </section>
      ) : null}
    </div>
  );
}
