import { closestName } from '../check/suggest.js';
import type { CheckedModel, Variable } from '../check/model.js';
import type { ModelIR } from '../ir/ir.js';
import { elementKey, nameKey } from '../names.js';
import { overrideValues, resolveOverrideTarget } from '../sim/overrides.js';
import { splitSubscripted } from '../sim/select.js';
import type { DataTableSource, GraphOverride, ScenarioDefinition, ScenarioProblem } from './types.js';

/** What validation needs of a compiled model: its IR (parameters) and checked form (graphs). */
export interface ScenarioModel {
  readonly ir: ModelIR;
  readonly checked: CheckedModel;
}

export interface ScenarioOptions {
  /** The project's data tables, for `data` overrides (plain model files have none). */
  readonly dataTables?: DataTableSource;
}

/** A graph override resolved to the model: which graph, which element (all when undefined). */
export interface GraphTarget {
  readonly target: string;
  readonly variable: Variable;
  readonly element?: number;
  readonly override: GraphOverride;
}

const INTERPOLATIONS = ['continuous', 'extrapolate', 'discrete'];

/**
 * Checks a scenario that arrived as JSON: a name, and overrides of the right types. Returns the
 * typed scenario when its shape is usable (its names are checked against a model separately).
 */
export function checkScenarioShape(input: unknown): { readonly scenario?: ScenarioDefinition; readonly problems: readonly ScenarioProblem[] } {
  const name = isObject(input) && typeof input.name === 'string' ? input.name : '';
  const problems: ScenarioProblem[] = [];
  const bad = (target: string, message: string): void => void problems.push({ scenario: name, kind: 'scenario', target, code: 'invalid', message });
  if (!isObject(input)) return { problems: [{ scenario: '', kind: 'scenario', target: '', code: 'invalid', message: 'A scenario must be an object with a name.' }] };
  if (name.trim() === '') bad('name', 'A scenario needs a name.');
  if (input.description !== undefined && typeof input.description !== 'string') bad('description', 'A scenario description must be text.');
  for (const key of ['overrides', 'graphs', 'data'] as const) {
    if (input[key] !== undefined && !isObject(input[key])) bad(key, `The ${key} of scenario "${name}" must map variable names to values.`);
  }
  return problems.length > 0 ? { problems } : { scenario: input as unknown as ScenarioDefinition, problems };
}

/** Every problem applying this scenario to this model would meet; empty when it applies cleanly. */
export function validateScenario(model: ScenarioModel, scenario: ScenarioDefinition, options: ScenarioOptions = {}): ScenarioProblem[] {
  const problems = valueProblems(model.ir, scenario);
  problems.push(...resolveGraphs(model.checked, scenario, options).problems);
  return problems;
}

function valueProblems(ir: ModelIR, scenario: ScenarioDefinition): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  for (const [name, value] of Object.entries(scenario.overrides ?? {})) {
    const target = resolveOverrideTarget(ir, name);
    const found = 'code' in target ? target : overrideValues(target, name, value);
    if (!('code' in found)) continue;
    const hint = found.code === 'unknown-variable' ? closestName(nameKey(splitSubscripted(name).name), ir.variables.map((v) => v.name)) : undefined;
    problems.push({ scenario: scenario.name, kind: 'value', target: name, code: found.code, message: hint ? `${found.message} Did you mean "${hint}"?` : found.message });
  }
  return problems;
}

/**
 * The scenario's graph overrides with its data overrides turned into points, each resolved to its
 * graph and element, with the problems of those that cannot be.
 */
export function resolveGraphs(checked: CheckedModel, scenario: ScenarioDefinition, options: ScenarioOptions = {}): { readonly graphs: readonly GraphTarget[]; readonly problems: readonly ScenarioProblem[] } {
  const problems: ScenarioProblem[] = [];
  const graphs: GraphTarget[] = [];
  const seen = new Map<string, string>();
  const add = (target: string, kind: 'graph' | 'data', override: GraphOverride): void => {
    const problem = (code: ScenarioProblem['code'], message: string): void => void problems.push({ scenario: scenario.name, kind, target, code, message });
    const found = graphTarget(checked, target);
    if ('code' in found) return problem(found.code, found.message);
    const pointsProblem = checkPoints(override, target);
    if (pointsProblem) return problem('bad-points', pointsProblem);
    const key = `${found.variable.key}[${found.element ?? '*'}]`;
    const other = seen.get(key);
    if (other !== undefined) return problem('duplicate', `"${target}" and "${other}" both replace the points of the same graph; keep one.`);
    seen.set(key, target);
    graphs.push({ target, variable: found.variable, ...(found.element === undefined ? {} : { element: found.element }), override });
  };
  for (const [target, override] of Object.entries(scenario.graphs ?? {})) add(target, 'graph', override);
  for (const [target, data] of Object.entries(scenario.data ?? {})) {
    const points = dataPoints(data, options.dataTables);
    if (!Array.isArray(points)) {
      problems.push({ scenario: scenario.name, kind: 'data', target, ...points });
      continue;
    }
    add(target, 'data', { points, ...(data.interpolation ? { interpolation: data.interpolation } : {}) });
  }
  return { graphs, problems };
}

function graphTarget(checked: CheckedModel, text: string): { variable: Variable; element?: number } | { code: ScenarioProblem['code']; message: string } {
  const { name, items } = splitSubscripted(text);
  const variable = checked.byKey.get(nameKey(name));
  if (!variable) {
    const hint = closestName(nameKey(name), checked.variables.filter((v) => v.kind === 'graph').map((v) => v.name));
    return { code: 'unknown-variable', message: `The model has no graph called "${name}".${hint ? ` Did you mean "${hint}"?` : ''}` };
  }
  if (variable.kind !== 'graph') {
    return { code: 'not-a-graph', message: `"${variable.name}" is now ${variable.kind === 'aux' ? 'an' : 'a'} ${variable.kind}, not a graph, so it has no points to replace${variable.kind === 'const' || variable.kind === 'stock' ? '; set its value instead' : ''}.` };
  }
  if (!items) return { variable };
  if (items.length !== variable.dims.length) {
    return { code: 'dimension-count', message: `"${variable.name}" has ${variable.dims.length} dimension(s) but "${text}" names ${items.length} element(s).` };
  }
  let flat = 0;
  for (let d = 0; d < items.length; d++) {
    const dim = variable.dims[d]!;
    const i = dim.elementIndex.get(elementKey(items[d]!));
    if (i === undefined) return { code: 'unknown-element', message: `"${items[d]}" is not an element of ${dim.name} (elements: ${dim.elements.join(', ')}).` };
    flat = flat * dim.elements.length + i;
  }
  return { variable, element: flat };
}

function checkPoints(g: GraphOverride, target: string): string | undefined {
  if (!isObject(g) || !Array.isArray(g.points) || g.points.length === 0) return `"${target}" needs at least one (x, y) point.`;
  for (const p of g.points) {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) return `Every point of "${target}" must be a pair of finite numbers.`;
  }
  for (let i = 1; i < g.points.length; i++) {
    if (!(g.points[i]![0] > g.points[i - 1]![0])) return `The x values of "${target}" must increase: ${g.points[i]![0]} comes after ${g.points[i - 1]![0]}.`;
  }
  if (g.interpolation !== undefined && !INTERPOLATIONS.includes(g.interpolation)) return `The interpolation of "${target}" must be ${INTERPOLATIONS.join(', ')}.`;
  return undefined;
}

/** Points from two columns of a data table (rows without two numbers skipped), or why there are none. */
function dataPoints(data: unknown, source: DataTableSource | undefined): [number, number][] | { code: ScenarioProblem['code']; message: string } {
  if (!isObject(data) || typeof data.table !== 'string' || typeof data.x !== 'string' || typeof data.y !== 'string') return { code: 'invalid', message: 'A data override names a table and its x and y columns.' };
  if (!source) return { code: 'no-data-tables', message: 'Data tables are only available in a project; this model has none.' };
  const table = source(data.table);
  if (typeof table === 'string') return { code: 'unknown-data-table', message: `The data table "${data.table}" cannot be read: ${table}` };
  if (!table) return { code: 'unknown-data-table', message: `There is no data table called "${data.table}".` };
  const column = (name: string): number => table.columns.findIndex((c) => nameKey(c) === nameKey(name));
  const xi = column(data.x);
  const yi = column(data.y);
  const missing = [xi < 0 ? data.x : undefined, yi < 0 ? data.y : undefined].filter((c) => c !== undefined);
  if (missing.length > 0) return { code: 'unknown-column', message: `The data table "${data.table}" has no column ${missing.map((c) => `"${c}"`).join(' or ')} (columns: ${table.columns.join(', ')}).` };
  const points: [number, number][] = [];
  for (const row of table.rows) {
    const x = row[xi];
    const y = row[yi];
    if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) points.push([x, y]);
  }
  return points.sort((a, b) => a[0] - b[0]);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
