import type { ProjectSnapshot } from '../../services/api.js';

interface Props {
  readonly project: ProjectSnapshot;
  readonly modelId?: number;
  readonly overlaid: readonly number[];
  readonly onOpenModel: (id: number) => void;
  readonly onNewModel: () => void;
  readonly onToggleRun: (id: number) => void;
  readonly onDeleteRun: (id: number) => void;
  readonly onImportData: () => void;
  readonly onOpenData: (id: number) => void;
}

/** The project's contents: models, scenarios, data tables and stored runs (tick to overlay). */
export function ProjectTree({ project, modelId, overlaid, onOpenModel, onNewModel, onToggleRun, onDeleteRun, onImportData, onOpenData }: Props) {
  return (
    <nav className="project-tree" data-testid="project-tree">
      <h2 title={project.name}>{project.name}</h2>
      <details open>
        <summary>Models <button className="small" onClick={onNewModel} title="New model">+</button></summary>
        <ul>
          {project.models.map((m) => (
            <li key={m.id} className={m.id === modelId ? 'active' : ''}>
              <button data-testid="tree-model" data-name={m.name} onClick={() => onOpenModel(m.id)}>{m.name}</button>
              <small>v{m.version}</small>
            </li>
          ))}
        </ul>
      </details>
      <details open>
        <summary>Scenarios</summary>
        <ul>{project.scenarios.length === 0 ? <li className="empty">None yet</li> : project.scenarios.map((s) => <li key={s.id}>{s.name}</li>)}</ul>
      </details>
      <details open>
        <summary>Data <button className="small" data-testid="import-data" onClick={onImportData} title="Import a data table (CSV or Excel)">+</button></summary>
        <ul>{project.dataTables.length === 0 ? <li className="empty">None yet</li> : project.dataTables.map((t) => (
          <li key={t.id}><button data-testid="tree-data" data-name={t.name} onClick={() => onOpenData(t.id)} title={t.source}>{t.name}</button> <small>{t.rowCount} rows</small></li>
        ))}</ul>
      </details>
      <details open>
        <summary>Runs</summary>
        <ul data-testid="tree-runs">
          {project.runs.length === 0 ? <li className="empty">Press Run to keep a run</li> : project.runs.map((r) => (
            <li key={r.id}>
              <label title={`${r.settings.method ?? ''} dt=${r.settings.dt ?? ''} · ${new Date(r.createdAt).toLocaleString()}`}>
                <input type="checkbox" checked={overlaid.includes(r.id)} onChange={() => onToggleRun(r.id)} data-testid="tree-run" data-label={r.label} />
                {r.label}
              </label>
              <button className="small" onClick={() => onDeleteRun(r.id)} title="Delete run">×</button>
            </li>
          ))}
        </ul>
      </details>
    </nav>
  );
}
