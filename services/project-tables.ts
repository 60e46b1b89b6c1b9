/**
 * The project's data tables a piece of work needs — those the model's graphs read (`data:`) and
 * those its scenarios' data overrides name — found by name, and only those (tables can be large).
 * Keyed by lower-case name, as the jobs look them up (names are unique ignoring case).
 */
import { parseModel, type DataTableData, type DataTableSource, type ScenarioDefinition } from '../engine/src/index.js';
import type { ProjectStore } from './project-store.js';

export function projectTables(store: ProjectStore | undefined, text: string | undefined, scenarios: readonly ScenarioDefinition[] = []): Record<string, DataTableData> {
  const names = new Set(scenarios.flatMap((s) => Object.values(s.data ?? {}).map((d) => String(d?.table).trim().toLowerCase())));
  if (text !== undefined) for (const v of parseModel(text, 'model.cwm').ast.variables) if (v.data) names.add(v.data.table.text.trim().toLowerCase());
  const out: Record<string, DataTableData> = {};
  if (!store || names.size === 0) return out;
  for (const info of store.listDataTables()) {
    if (!names.has(info.name.toLowerCase())) continue;
    const t = store.getDataTable(info.id);
    out[info.name.toLowerCase()] = { columns: t.columns, rows: t.rows };
  }
  return out;
}

/** Tables keyed by lower-case name as a source for the engine. */
export function tableSource(tables: Readonly<Record<string, DataTableData>>): DataTableSource {
  return (name) => tables[name.trim().toLowerCase()];
}
