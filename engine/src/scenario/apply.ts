import { elementNames } from '../check/model.js';
import { compileAst, type CompiledModel, type CompileOptions } from '../compile/compile.js';
import type { ElementGraph, ModelAst, VarDecl } from '../language/ast.js';
import { elementKey } from '../names.js';
import type { OverrideValue } from '../sim/overrides.js';
import type { ScenarioDefinition, ScenarioProblem } from './types.js';
import { resolveGraphs, validateScenario, type GraphTarget, type ScenarioOptions } from './validate.js';

/** The base model a scenario changes: as parsed (for graph points) and as compiled (for values). */
export interface ScenarioBase {
  readonly ast: ModelAst;
  readonly model: CompiledModel;
}

/** A scenario ready to run: the model to run (the base, or a recompiled copy with new graph points) and its overrides. */
export interface PreparedScenario {
  readonly name: string;
  readonly model: CompiledModel;
  readonly overrides: Readonly<Record<string, OverrideValue>>;
}

/**
 * Validates a scenario against the base model and prepares it. A scenario with any problem is not
 * prepared: running it would silently leave out an assumption someone relies on.
 */
export function prepareScenario(base: ScenarioBase, scenario: ScenarioDefinition, options: ScenarioOptions & CompileOptions = {}): { readonly prepared?: PreparedScenario; readonly problems: readonly ScenarioProblem[] } {
  const problems = validateScenario(base.model, scenario, options);
  if (problems.length > 0) return { problems };
  const overrides = scenario.overrides ?? {};
  const { graphs } = resolveGraphs(base.model.checked, scenario, options);
  if (graphs.length === 0) return { prepared: { name: scenario.name, model: base.model, overrides }, problems };
  const compiled = compileAst(applyGraphOverrides(base.ast, graphs), [], options);
  if (!compiled.model) {
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
    return {
      problems: errors.map((d) => ({ scenario: scenario.name, kind: 'graph', target: d.variable ?? '', code: 'graph-rejected', message: `With this scenario's graphs the model does not compile: ${d.message}` })),
    };
  }
  return { prepared: { name: scenario.name, model: compiled.model, overrides }, problems };
}

/**
 * The model with new points for some graphs: a whole graph (every element) or one element's
 * table. Only the AST changes; the compiler checks the result like any model text.
 */
export function applyGraphOverrides(ast: ModelAst, graphs: readonly GraphTarget[]): ModelAst {
  const byKey = new Map<string, GraphTarget[]>();
  for (const g of graphs) byKey.set(g.variable.key, [...(byKey.get(g.variable.key) ?? []), g]);
  return {
    ...ast,
    variables: ast.variables.map((decl) => {
      const targets = byKey.get(decl.name.key);
      return targets ? targets.reduce(applyOne, decl) : decl;
    }),
  };
}

function applyOne(decl: VarDecl, g: GraphTarget): VarDecl {
  const xs = g.override.points.map((p) => p[0]);
  const ys = g.override.points.map((p) => p[1]);
  const interpolation = g.override.interpolation ?? decl.graph?.interpolation ?? decl.elementGraphs?.[0]?.interpolation ?? 'continuous';
  if (g.element === undefined) {
    // Every element: one table for all, replacing any per-element tables.
    const { elementGraphs: _replaced, ...rest } = decl;
    return { ...rest, graph: { xs, ys, interpolation, span: decl.graph?.span ?? decl.span } };
  }
  const names = elementNames(g.variable.dims, g.element);
  const dims = g.variable.dims;
  const isThis = (eg: ElementGraph): boolean =>
    eg.subscripts.length === names.length && eg.subscripts.every((s, d) => {
      const text = s.text.includes('.') && elementKey(s.text.split('.')[0]!) === dims[d]!.key ? s.text.slice(s.text.indexOf('.') + 1) : s.text;
      return elementKey(text) === elementKey(names[d]!) || text === String(dims[d]!.elementIndex.get(elementKey(names[d]!))! + 1);
    });
  const table: ElementGraph = { subscripts: names.map((text) => ({ text, span: decl.span })), xs, ys, interpolation, span: decl.span };
  return { ...decl, elementGraphs: [...(decl.elementGraphs ?? []).filter((eg) => !isThis(eg)), table] };
}
