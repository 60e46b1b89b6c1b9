import { indicatorsOf } from './indicators.js';
import { DiagnosticSink, type Diagnostic, type SourceSpan } from '../diagnostics.js';
import type { DimensionDecl, Expr, Method, ModelAst, SimSpecDecl, VarDecl } from '../language/ast.js';
import { elementKey } from '../names.js';
import { BUILTIN_CONSTANTS, BUILTINS } from './builtins.js';
import type { CheckedModel, Dimension, GraphTable, RExpr, SimSpec, Variable } from './model.js';
import { closestName } from './suggest.js';
import { article, Resolver, type Building } from './resolver.js';
import { parseUnits, UnitSyntaxError, type Unit } from './units.js';
import { checkUnits } from './unitcheck.js';
import { checkBelts, optionalEquations } from './belts.js';

export interface CheckResult {
  /** Present when the model has no errors (warnings allowed). */
  readonly model?: CheckedModel;
  /** When there are errors: the model as far as it could be resolved, for further analysis only (never to run). */
  readonly partial?: CheckedModel;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Resolves names, dimensions and subscripts, validates the simulation settings and stock–flow
 * structure, and checks units. Carries on after errors so the user sees them all at once.
 */
export function checkModel(ast: ModelAst, sink: DiagnosticSink = new DiagnosticSink(ast.file)): CheckResult {
  const spec = checkSimSpec(ast.sim, sink);
  const dimensions = collectDimensions(ast.dimensions, sink);
  const variables = collectVariables(ast.variables, dimensions, sink);
  const stopAt = ast.sim?.stopAt;
  const target = stopAt ? variables.get(stopAt.key)?.variable : undefined;
  if (stopAt && (!target || target.dims.length > 0 || target.kind === 'graph' && !ast.variables.find((d) => d.name.key === stopAt.key)?.equation)) {
    sink.error('sim-spec', stopAt.span, `"stop at" needs a single-valued variable of the model; "${stopAt.text}" is not one.`);
  }
  const sim = stopAt && target && target.dims.length === 0 ? { ...spec, stopAt: stopAt.key } : spec;
  const optional = optionalEquations(ast.variables);
  const building = [...variables.values()];
  for (const v of building) resolveVariable(v, variables, dimensions, sink, optional);
  checkBelts(variables, dimensions, sim, sink);
  const resolved = building.map((v) => v.variable);
  checkConstants(resolved, sink);
  indicatorsOf(ast, sink);
  checkUnits(building.filter((v) => !v.opaque).map((v) => v.variable), sim, sink);
  const model: CheckedModel = {
    file: ast.file,
    ...(ast.title === undefined ? {} : { title: ast.title }),
    ...(ast.doc === undefined ? {} : { doc: ast.doc }),
    sim,
    dimensions: [...dimensions.values()],
    variables: resolved,
    byKey: new Map(building.map((v) => [v.variable.key, v.variable])),
  };
  return sink.hasErrors ? { partial: model, diagnostics: sink.items } : { model, diagnostics: sink.items };
}

// ---- simulation settings ------------------------------------------------------------------

const METHODS: ReadonlyMap<string, Method> = new Map([
  ['euler', 'euler'],
  ['rk2', 'rk2'],
  ['rk4', 'rk4'],
]);

function checkSimSpec(decl: SimSpecDecl | undefined, sink: DiagnosticSink): SimSpec {
  const value = (e: Expr | undefined, what: string, fallback: number): number => {
    if (!e) return fallback;
    const v = foldConstant(e);
    if (v === undefined || !Number.isFinite(v)) {
      sink.error('sim-spec', e.span, `The ${what} must be a plain number (such as 2025 or 1/4).`);
      return fallback;
    }
    return v;
  };
  const start = value(decl?.start, 'start time', 0);
  const stop = value(decl?.stop, 'stop time', 10);
  const dt = value(decl?.dt, 'time step (dt)', 1);
  const saveEvery = value(decl?.saveEvery, 'save interval', dt);
  const seed = value(decl?.seed, 'random seed', 0);
  const span = decl?.span;
  if (decl?.stop && stop <= start) {
    sink.error('sim-spec', decl.stop.span, `The stop time (${stop}) must be after the start time (${start}).`);
  }
  if (dt <= 0) {
    sink.error('sim-spec', decl?.dt?.span ?? span!, `The time step dt must be greater than 0 (it is ${dt}).`);
  } else if (stop > start) {
    const steps = (stop - start) / dt;
    if (Math.abs(steps - Math.round(steps)) > 1e-6 * Math.max(1, steps)) {
      sink.error('sim-spec', decl?.dt?.span ?? span!, `The run length (${stop - start}) is not a whole number of time steps of ${dt}.`);
    }
    if (steps > 5e7) sink.error('sim-spec', decl?.dt?.span ?? span!, `The run would take ${Math.round(steps)} time steps; use a larger dt.`);
  }
  if (saveEvery <= 0 || (dt > 0 && saveEvery < dt - 1e-12)) {
    sink.error('sim-spec', decl?.saveEvery?.span ?? span!, `The save interval (${saveEvery}) must be at least the time step dt (${dt}).`);
  } else if (dt > 0) {
    const ratio = saveEvery / dt;
    if (Math.abs(ratio - Math.round(ratio)) > 1e-6 * ratio) {
      sink.error('sim-spec', decl?.saveEvery?.span ?? span!, `The save interval (${saveEvery}) must be a whole number of time steps of ${dt}.`);
    }
  }
  if (!Number.isInteger(seed) || seed < 0) {
    sink.error('sim-spec', decl?.seed?.span ?? span!, `The random seed must be a whole number of 0 or more (it is ${seed}).`);
  }
  let method: Method = 'euler';
  if (decl?.method) {
    const m = METHODS.get(decl.method.value.toLowerCase());
    if (m) method = m;
    else sink.error('sim-spec', decl.method.span, `Unknown integration method "${decl.method.value}": use euler, rk2 or rk4.`);
  }
  let timeUnit: string | undefined;
  if (decl?.timeUnit) {
    try {
      parseUnits(decl.timeUnit.value);
      timeUnit = decl.timeUnit.value;
    } catch (e) {
      if (!(e instanceof UnitSyntaxError)) throw e;
      sink.error('bad-units', decl.timeUnit.span, `The time unit "${decl.timeUnit.value}" is not a valid unit: ${e.message}`);
    }
  }
  return { start, stop, dt, saveEvery, method, seed, ...(timeUnit === undefined ? {} : { timeUnit }) };
}

/** Evaluates an expression made only of numbers and operators (for simulation settings). */
export function foldConstant(e: Expr): number | undefined {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'unary': {
      const a = foldConstant(e.arg);
      if (a === undefined) return undefined;
      return e.op === '-' ? -a : e.op === '+' ? a : a === 0 ? 1 : 0;
    }
    case 'binary': {
      const a = foldConstant(e.left);
      const b = foldConstant(e.right);
      if (a === undefined || b === undefined) return undefined;
      switch (e.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '^':
          return a ** b;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

// ---- dimensions ---------------------------------------------------------------------------

function collectDimensions(decls: readonly DimensionDecl[], sink: DiagnosticSink): Map<string, Dimension> {
  const out = new Map<string, Dimension>();
  for (const d of decls) {
    if (out.has(d.name.key)) {
      sink.error('duplicate-name', d.name.span, `The dimension "${d.name.text}" is declared twice.`);
      continue;
    }
    const elementIndex = new Map<string, number>();
    const elements: string[] = [];
    for (const el of d.elements) {
      const key = elementKey(el.text);
      if (elementIndex.has(key)) {
        sink.error('duplicate-name', el.span, `The element "${el.text}" appears twice in dimension "${d.name.text}".`);
        continue;
      }
      elementIndex.set(key, elements.length);
      elements.push(el.text);
    }
    out.set(d.name.key, {
      key: d.name.key,
      name: d.name.text,
      elements,
      elementIndex,
      mappedTo: new Map(),
      ...(d.doc === undefined ? {} : { doc: d.doc }),
      span: d.span,
    });
  }
  // Mappings work both ways and need the same number of elements.
  for (const d of decls) {
    const from = out.get(d.name.key);
    for (const m of d.mapsTo ?? []) {
      const to = out.get(m.key);
      if (!from || !to) {
        sink.error('unknown-dimension', m.span, `Dimension "${d.name.text}" maps to "${m.text}", which is not a dimension.`);
        continue;
      }
      const list = d.mapLists?.find((l) => l.to === m.key)?.elements;
      if (list) {
        // An explicit list: element i of this dimension corresponds to the i-th element listed.
        const at = list.map((el) => to.elementIndex.get(elementKey(el.text)));
        const bad = list.findIndex((_, i) => at[i] === undefined);
        if (list.length !== from.elements.length) {
          sink.error('subscript', m.span, `The mapping of "${d.name.text}" to "${m.text}" lists ${list.length} elements, but "${d.name.text}" has ${from.elements.length}: give one element of "${m.text}" for each.`);
        } else if (bad >= 0) {
          sink.error('unknown-element', list[bad]!.span, `"${list[bad]!.text}" is not an element of dimension "${m.text}" (its elements are ${to.elements.join(', ')}).`);
        } else {
          from.mappedTo.set(to.key, at as number[]);
          // The other way round only when each of its elements is listed once.
          const back = to.elements.map((_, j) => at.indexOf(j));
          if (new Set(at).size === at.length && back.every((i) => i >= 0)) to.mappedTo.set(from.key, back);
        }
      } else if (to.elements.length !== from.elements.length) {
        sink.error('subscript', m.span, `Dimension "${d.name.text}" (${from.elements.length} elements) cannot map to "${m.text}" (${to.elements.length} elements): a mapping pairs elements one for one.`);
      } else {
        const same = from.elements.map((_, i) => i);
        from.mappedTo.set(to.key, same);
        to.mappedTo.set(from.key, same);
      }
    }
  }
  return out;
}

// ---- variables ----------------------------------------------------------------------------

function collectVariables(decls: readonly VarDecl[], dimensions: Map<string, Dimension>, sink: DiagnosticSink): Map<string, Building> {
  const out = new Map<string, Building>();
  for (const decl of decls) {
    const { key, text } = decl.name;
    if (BUILTIN_CONSTANTS.has(key)) {
      sink.error('reserved-name', decl.name.span, `"${text}" is a built-in name (${key.toUpperCase()}); choose another name for this ${decl.kind}.`, text);
      continue;
    }
    if (dimensions.has(key)) {
      sink.error('duplicate-name', decl.name.span, `"${text}" is already the name of a dimension; choose another name for this ${decl.kind}.`, text);
      continue;
    }
    const existing = out.get(key);
    if (existing) {
      const at = existing.decl.name.span.start;
      sink.error('duplicate-name', decl.name.span, `"${text}" is already defined at line ${at.line}; each variable needs its own name.`, text);
      continue;
    }
    const dims: Dimension[] = [];
    let opaque = decl.broken === true;
    for (const d of decl.dims) {
      const dim = dimensions.get(d.key);
      if (!dim) {
        const hint = closestName(d.key, [...dimensions.values()].map((x) => x.name));
        sink.error('unknown-dimension', d.span, `Unknown dimension "${d.text}".${hint ? ` Did you mean "${hint}"?` : ' Declare it with a line like  dimension AgeBand: 65-69, 70-74'}`, text);
        opaque = true;
      } else {
        dims.push(dim); // the same dimension twice (a square matrix) is allowed
      }
    }
    let units: Unit | undefined;
    if (decl.units && decl.units.text !== '') {
      try {
        units = parseUnits(decl.units.text);
      } catch (e) {
        if (!(e instanceof UnitSyntaxError)) throw e;
        sink.error('bad-units', decl.units.span, `The units of "${text}" cannot be read: ${e.message}`, text);
      }
    }
    const size = dims.reduce((n, d) => n * d.elements.length, 1);
    // The optional fields set one by one, not spread from conditional objects: this runs for every variable.
    const variable: { -readonly [K in keyof Building['variable']]: Building['variable'][K] } = {
      key,
      name: text,
      kind: decl.kind,
      dims,
      size,
      nonNegative: decl.nonNegative,
      inflows: [],
      outflows: [],
      span: decl.span,
      nameSpan: decl.name.span,
    };
    if (units) variable.units = units;
    if (decl.units) {
      variable.unitsText = decl.units.text;
      variable.unitsSpan = decl.units.span;
    }
    if (decl.doc !== undefined) variable.doc = decl.doc;
    if (decl.graph) variable.graph = { xs: decl.graph.xs, ys: decl.graph.ys, interpolation: decl.graph.interpolation };
    out.set(key, { decl, variable, opaque });
    if (decl.graph) checkGraphPoints(decl, sink);
    for (const g of decl.elementGraphs ?? []) checkGraphPoints(decl, sink, g);
  }
  return out;
}

function checkGraphPoints(decl: VarDecl, sink: DiagnosticSink, g: { readonly xs: readonly number[]; readonly ys: readonly number[]; readonly span: SourceSpan } = decl.graph!): void {
  const name = decl.name.text;
  if (g.xs.length !== g.ys.length) {
    sink.error('graph', g.span, `Graph "${name}" has ${g.xs.length} x values but ${g.ys.length} y values; they must pair up.`, name);
    return;
  }
  if (g.xs.length === 0) {
    sink.error('graph', g.span, `Graph "${name}" has no points.`, name);
    return;
  }
  for (let i = 1; i < g.xs.length; i++) {
    if (!(g.xs[i]! > g.xs[i - 1]!)) {
      const how = g.xs[i] === g.xs[i - 1] ? `${g.xs[i]} appears twice` : `${g.xs[i]} comes after ${g.xs[i - 1]}`;
      sink.error('graph', g.span, `The x values of graph "${name}" must increase: ${how}.`, name);
      return;
    }
  }
}

function resolveVariable(b: Building, all: Map<string, Building>, dimensions: Map<string, Dimension>, sink: DiagnosticSink, optional: ReadonlySet<string>): void {
  const { decl, variable: v } = b;
  // Its own error is reported; what follows from it (no equation, wrong element counts) would only be noise.
  if (b.opaque && decl.dims.length !== v.dims.length) return;
  const resolver = new Resolver(v, all, dimensions, sink);

  // Stock–flow structure.
  for (const [list, target, word] of [
    [decl.inflows, v.inflows, 'inflow'],
    [decl.outflows, v.outflows, 'outflow'],
  ] as const) {
    for (const ref of list) {
      const f = all.get(ref.key)?.variable;
      if (!f) {
        const hint = closestName(ref.key, [...all.values()].filter((x) => x.decl.kind === 'flow').map((x) => x.variable.name));
        sink.error('unknown-name', ref.span, `The ${word} "${ref.text}" of stock "${v.name}" is not defined.${hint ? ` Did you mean "${hint}"?` : ''}`, v.name);
      } else if (f.kind !== 'flow') {
        sink.error('bad-stock-flow', ref.span, `"${f.name}" is ${article(f.kind)} ${f.kind}, not a flow, so it cannot be an ${word} of stock "${v.name}". Declare it with "flow".`, v.name);
      } else if (!sameDims(f.dims, v.dims)) {
        sink.error('bad-stock-flow', ref.span, `The ${word} "${f.name}" ${dimsPhrase(f.dims)} but stock "${v.name}" ${dimsPhrase(v.dims)}; they must match.`, v.name);
      } else if (target.includes(f)) {
        sink.error('bad-stock-flow', ref.span, `"${f.name}" is listed twice as an ${word} of "${v.name}".`, v.name);
      } else {
        target.push(f);
      }
    }
  }
  for (const f of v.inflows) {
    if (v.outflows.includes(f)) sink.error('bad-stock-flow', decl.name.span, `"${f.name}" is both an inflow and an outflow of stock "${v.name}".`, v.name);
  }

  // Equations.
  const elements = new Map<number, RExpr>();
  let all_: RExpr | undefined;
  if (decl.equation) all_ = resolver.resolve(decl.equation, true);
  if (decl.valueList) {
    const values = decl.valueList.rows.flat();
    if (v.dims.length === 0) {
      sink.error('subscript', decl.valueList.span, `"${v.name}" has no dimensions, so it takes one value, not a list.`, v.name);
    } else if (decl.valueList.rows.length > 1 && (v.dims.length !== 2 || decl.valueList.rows.length !== v.dims[0]!.elements.length)) {
      sink.error('subscript', decl.valueList.span, `A table of values separated by ";" needs one row per element of "${v.dims[0]!.name}" (${v.dims[0]!.elements.length}) and a two-dimensional variable; found ${decl.valueList.rows.length} rows.`, v.name);
    } else if (values.length !== v.size) {
      sink.error('subscript', decl.valueList.span, `"${v.name}" has ${v.size} elements but ${values.length} values are listed.`, v.name);
    } else {
      values.forEach((e, i) => elements.set(i, resolver.resolve(e, false)));
    }
  }
  for (const eq of decl.elementEquations) {
    if (v.dims.length === 0) {
      sink.error('subscript', eq.span, `"${v.name}" has no dimensions, so it cannot have element equations.`, v.name);
      continue;
    }
    const flat = resolver.elementOf(eq.subscripts, eq.span);
    if (flat === undefined) continue;
    if (elements.has(flat)) {
      sink.error('duplicate-name', eq.span, `The element [${eq.subscripts.map((s) => s.text).join(', ')}] of "${v.name}" has two equations.`, v.name);
      continue;
    }
    elements.set(flat, resolver.resolve(eq.equation, true));
  }

  if (decl.elementGraphs?.length) {
    const tables = new Map<number, GraphTable>();
    if (v.dims.length === 0) sink.error('graph', decl.elementGraphs[0]!.span, `"${v.name}" has no dimensions, so it cannot have points for single elements.`, v.name);
    for (const g of v.dims.length ? decl.elementGraphs : []) {
      const flat = resolver.elementOf(g.subscripts, g.span);
      if (flat === undefined) continue;
      if (tables.has(flat)) sink.error('duplicate-name', g.span, `The element [${g.subscripts.map((x) => x.text).join(', ')}] of graph "${v.name}" has two sets of points.`, v.name);
      tables.set(flat, { xs: g.xs, ys: g.ys, interpolation: g.interpolation });
    }
    if (!v.graph && tables.size < v.size && v.dims.length) {
      const missing: string[] = [];
      for (let i = 0; i < v.size && missing.length < 5; i++) if (!tables.has(i)) missing.push(`[${elementLabelOf(v, i)}]`);
      sink.error('graph', decl.name.span, `Graph "${v.name}" has no points for ${missing.join(', ')}. Give every element its points, or add "points:" for all of them.`, v.name);
    }
    v.elementGraphs = tables;
  }
  const hasAny = all_ !== undefined || elements.size > 0;
  if (!hasAny && v.kind !== 'graph' && !decl.valueList && !b.opaque && !optional.has(v.key)) {
    const what = v.kind === 'stock' ? 'initial value' : 'equation';
    sink.error('missing-equation', decl.name.span, `"${v.name}" has no ${what}: add "= …" after its name.`, v.name);
  } else if (!all_ && elements.size > 0 && elements.size < v.size && !b.opaque) {
    const missing: string[] = [];
    for (let i = 0; i < v.size && missing.length < 5; i++) {
      if (!elements.has(i)) missing.push(`[${elementLabelOf(v, i)}]`);
    }
    sink.error('missing-equation', decl.name.span, `"${v.name}" has no equation for ${missing.join(', ')}${v.size - elements.size > 5 ? ' and others' : ''}. Give every element an equation, or add a default "= …" after the name.`, v.name);
  }
  if (v.kind === 'graph' && v.dims.length > 0 && all_ === undefined && elements.size > 0) {
    // per-element inputs are fine; nothing else to check
  }
  // Not spread from a conditional object: this runs for every variable of the model.
  if (hasAny) v.equations = all_ ? { all: all_, elements } : { elements };
}

function elementLabelOf(v: Variable, flat: number): string {
  let rest = flat;
  const names: string[] = [];
  for (let d = v.dims.length - 1; d >= 0; d--) {
    const n = v.dims[d]!.elements.length;
    names.unshift(v.dims[d]!.elements[rest % n]!);
    rest = Math.floor(rest / n);
  }
  return names.join(', ');
}

function sameDims(a: readonly Dimension[], b: readonly Dimension[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function dimsPhrase(dims: readonly Dimension[]): string {
  return dims.length === 0 ? 'has no dimensions' : `is over ${dims.map((d) => d.name).join(' × ')}`;
}

// ---- constants ----------------------------------------------------------------------------

/** `const` promises a value that does not change during the run; hold the model to it. */
function checkConstants(variables: readonly Variable[], sink: DiagnosticSink): void {
  const memo = new Map<Variable, boolean>();
  const isConstantVar = (v: Variable, seen: Set<Variable>): boolean => {
    const known = memo.get(v);
    if (known !== undefined) return known;
    if (v.kind === 'stock' || seen.has(v)) return false;
    seen.add(v);
    const eqs = v.equations;
    const ok = !!eqs && [...(eqs.all ? [eqs.all] : []), ...eqs.elements.values()].every((e) => isConstantExpr(e, seen));
    seen.delete(v);
    memo.set(v, ok);
    return ok;
  };
  const isConstantExpr = (e: RExpr, seen: Set<Variable>): boolean => {
    switch (e.k) {
      case 'num':
      case 'position':
        return true;
      case 'clock':
        return e.which === 'start' || e.which === 'stop' || e.which === 'dt';
      case 'var':
        return isConstantVar(e.ref, seen);
      case 'unary':
        return isConstantExpr(e.a, seen);
      case 'binary':
        return isConstantExpr(e.a, seen) && isConstantExpr(e.b, seen);
      case 'if':
        return isConstantExpr(e.c, seen) && isConstantExpr(e.a, seen) && isConstantExpr(e.b, seen);
      case 'call': {
        const kind = BUILTINS.get(e.fn)?.kind;
        return kind === 'math' && e.args.every((a) => isConstantExpr(a, seen));
      }
      case 'lookup':
        return isConstantExpr(e.x, seen);
      case 'reduce':
        return isConstantExpr(e.arg, seen);
      case 'vector':
        return [...e.vectors, ...e.args].every((a) => isConstantExpr(a, seen));
      case 'elmmap':
        return isConstantVar(e.ref, seen) && isConstantExpr(e.offset, seen);
      case 'randlookup':
        return false;
      case 'veclookup':
        return isConstantVar(e.ref, seen) && e.args.every((a) => isConstantExpr(a, seen));
    }
  };
  for (const v of variables) {
    if (v.kind === 'const' && v.equations && !isConstantVar(v, new Set())) {
      sink.error('not-constant', v.nameSpan, `"${v.name}" is declared const but its value changes during the run (it depends on time, a stock or a changing variable). Declare it as aux instead.`, v.name);
    }
  }
}
