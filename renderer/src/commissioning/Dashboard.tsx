import { useEffect, useMemo, useState } from 'react';
import { indicatorsOf, parseModel, rate, type Indicator, BASELINE_SCENARIO } from '../../../engine/src/index.js';
import type { ScenarioCompareOutput, ScenarioRef } from '../../../services/api.js';
import { api } from '../bridge.js';
import { type ModelPanelProps } from '../analysis/panel-props.js';

const RUN_DELAY_MS = 600;
const MAX_YEARS = 11;

/** Which saved times the dashboard shows: all of a short run, else evenly spaced ones including the last. */
export function dashboardYears(times: readonly number[], most = MAX_YEARS): number[] {
  if (times.length <= most) return [...times];
  const step = (times.length - 1) / (most - 1);
  return Array.from({ length: most }, (_, i) => times[Math.round(i * step)]!);
}

/** The model's indicators per scenario and year, each judged against its target: green, amber or red. */
export function Dashboard({ project, modelId, text, onError }: ModelPanelProps) {
  const indicators = useMemo<Indicator[]>(() => indicatorsOf(parseModel(text, 'model.cwm').ast), [text]);
  const scenarios = useMemo(() => project.scenarios.filter((s) => s.modelId === modelId), [project, modelId]);
  const [result, setResult] = useState<ScenarioCompareOutput>();

  useEffect(() => {
    if (indicators.length === 0) return;
    const timer = setTimeout(() => {
      const refs: ScenarioRef[] = [{ name: BASELINE_SCENARIO }, ...scenarios.map((s) => ({ id: s.id }))];
      api.compareScenarios({ text, projectId: project.projectId, scenarios: refs, variables: indicators.map((i) => i.name) }).then(setResult, (e: Error) => onError(e.message));
    }, RUN_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, indicators, scenarios, project.projectId, onError]);

  if (indicators.length === 0) {
    return <p className="empty">No indicators yet. Give a variable a target to make it one, e.g. <code>target: 550</code> and <code>better: lower</code> under its equation.</p>;
  }
  if (!result) return <p className="empty">Running the scenarios…</p>;
  if (!result.ok) return <p className="bad">{result.message ?? result.problems[0]?.message ?? 'The scenarios could not be run.'}</p>;
  const years = dashboardYears(result.runs[0]?.times ?? []);
  return (
    <div className="analysis-panel" data-testid="dashboard">
      <p className="hint">Green: meets the target. Amber: misses it by no more than its amber band. Red: misses it by more.</p>
      {result.runs.map((run) => (
        <section key={run.scenario}>
          <h3>{run.scenario}</h3>
          <div className="table-scroll">
            <table className="data-grid dashboard-grid" data-testid="dashboard-table" data-scenario={run.scenario}>
              <thead><tr><th>Indicator</th><th>Target</th>{years.map((y) => <th key={y}>{y}</th>)}</tr></thead>
              <tbody>
                {indicators.map((ind) => {
                  const series = run.series.find((s) => s.name === ind.name);
                  return (
                    <tr key={ind.name}>
                      <td title={ind.doc ?? ''}>{ind.name}{ind.units ? <small> [{ind.units}]</small> : null}</td>
                      <td>{ind.better === 'lower' ? '≤' : '≥'} {fmt(ind.target)}</td>
                      {years.map((y) => {
                        const i = run.times.indexOf(y);
                        const v = series && i >= 0 ? series.values[i] : undefined;
                        if (v === undefined || !Number.isFinite(v)) return <td key={y} />;
                        const rating = rate(ind, v);
                        return <td key={y} className={`rating ${rating}`} data-testid="indicator-cell" data-indicator={ind.name} data-year={y} data-rating={rating} title={rating}>{fmt(v)}</td>;
                      })}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-GB') : String(Number(v.toPrecision(3)));
}
