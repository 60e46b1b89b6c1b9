import { DiagnosticSink, type Diagnostic, type SourceSpan } from '../../diagnostics.js';
import type { DiagramItem, DimensionDecl, ElementEquation, ElementGraph, Expr, GraphSpec, IndicatorDecl, Interpolation, ModelAst, NameRef, SimSpecDecl, VarDecl, VarKind } from '../../language/ast.js';
import { parseExpression } from '../../language/parser.js';
import { rewriteExpr } from '../../language/rewrite.js';
import { expandMacros, type MacroDefinition } from '../macros.js';
import { nameKey } from '../../names.js';
import { parseUnits, UnitSyntaxError } from '../../check/units.js';
import { child, children, parseXml, XmlError, type XmlElement } from '../xml.js';
import { linkConveyors, readFlowBelt, readStockBelt } from './belts.js';
import type { ConveyorDecl } from '../../language/ast.js';

export interface ImportResult {
  readonly ast: ModelAst;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * XMILE (Stella/ithink `.stmx`/`.itmx`, `.xmile`) → the same AST our own language parses to, so
 * imported models go through exactly the same checker and compiler. Positions point into the XML.
 */
export function importXmile(text: string, file: string): ImportResult {
  const sink = new DiagnosticSink(file);
  const empty: ModelAst = { file, dimensions: [], variables: [] };
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (e) {
    if (!(e instanceof XmlError)) throw e;
    sink.error('syntax', at(e.line, e.column), `This is not a readable XMILE file: ${e.message}`);
    return { ast: empty, diagnostics: sink.items };
  }
  if (root.local !== 'xmile') {
    sink.error('syntax', at(root.line, root.column), `Expected an XMILE document (<xmile> root element), found <${root.name}>.`);
    return { ast: empty, diagnostics: sink.items };
  }
  return { ast: new XmileReader(sink, file).read(root), diagnostics: sink.items };
}

function at(line: number, column: number): SourceSpan {
  return { start: { line, column, offset: 0 }, end: { line, column: column + 1, offset: 0 } };
}

function spanOf(e: XmlElement): SourceSpan {
  return at(e.line, e.column);
}

/** XMILE names may use `_` for spaces and `\n` for line breaks; both mean a space here. */
function xmileName(raw: string, e: XmlElement): NameRef {
  const text = raw.replace(/\\n/g, ' ').replace(/\s+/g, ' ').trim();
  return { key: nameKey(text), text, span: spanOf(e) };
}

const METHODS: ReadonlyMap<string, string> = new Map([
  ['euler', 'euler'],
  ['rk4', 'rk4'],
  ['rk2', 'rk2'],
]);

class XmileReader {
  constructor(
    private readonly sink: DiagnosticSink,
    private readonly file: string,
  ) {}

  read(root: XmlElement): ModelAst {
    const header = child(root, 'header');
    const models = children(root, 'model');
    // The main model is the unnamed one (others are modules); ignore empty <model/> style stubs.
    const withVariables = models.filter((m) => variablesOf(m).length > 0);
    const main = withVariables.find((m) => !m.attributes.has('name')) ?? withVariables[0] ?? models[0];
    for (const m of children(root, 'macro')) this.macro(m);
    for (const m of withVariables) if (m !== main && m.attributes.has('name')) this.submodels.set(nameKey(m.attributes.get('name')!), m);
    this.defaults = { stock: nonNegativeDefault(root, main, 'stock'), flow: nonNegativeDefault(root, main, 'flow') };
    const variables: VarDecl[] = [];
    for (const v of main ? this.flatten(variablesOf(main)) : []) {
      if (v.local === 'module') {
        variables.push(...this.module(v, '', 1));
        continue;
      }
      const decl = this.variable(v);
      if (decl) variables.push(decl);
    }
    if (this.macros.size > 0) variables.splice(0, variables.length, ...expandMacros(variables, this.macros, this.sink));
    // Some tools connect stocks to auxiliaries; whatever a stock drains or fills is a flow.
    const connected = new Set(variables.filter((v) => v.kind === 'stock').flatMap((v) => [...v.inflows, ...v.outflows].map((f) => f.key)));
    for (let i = 0; i < variables.length; i++) {
      const v = variables[i]!;
      if (v.kind === 'aux' && connected.has(v.name.key)) variables[i] = { ...v, kind: 'flow' };
    }
    linkConveyors(variables, this.exponential, this.sink);
    const diagram = main ? readDiagram(main) : [];
    const title = header ? child(header, 'name')?.text.trim() : undefined;
    const doc = main ? child(main, 'doc')?.text.trim() : undefined;
    return {
      file: this.file,
      ...(title ? { title } : {}),
      ...(doc ? { doc } : {}),
      ...(child(root, 'sim_specs') ? { sim: this.simSpecs(child(root, 'sim_specs')!) } : {}),
      dimensions: this.dimensions(child(root, 'dimensions')),
      variables,
      ...(diagram.length ? { diagram } : {}),
    };
  }

  private defaults = { stock: false, flow: false };
  /** Conveyors whose leakages are exponential (`exponential_leak="true"`). */
  private readonly exponential = new Set<ConveyorDecl>();
  private readonly macros = new Map<string, MacroDefinition>();

  /** <macro name><parm>…</parm><eqn>…</eqn>[<variables>…</variables>]</macro> */
  private macro(m: XmlElement): void {
    const name = xmileName(m.attributes.get('name') ?? '', m);
    const eqnEl = child(m, 'eqn');
    const eqn = eqnEl ? this.equation(eqnEl, name.text) : undefined;
    if (!eqn) {
      if (!eqnEl) this.sink.error('missing-equation', spanOf(m), `Macro "${name.text}" has no <eqn>.`);
      return;
    }
    const params = children(m, 'parm').map((p) => {
      const fallback = p.attributes.get('default');
      const parsed = fallback === undefined ? undefined : this.equation({ ...p, text: fallback }, name.text);
      return { key: nameKey(xmileName(p.text, p).text), ...(parsed ? { fallback: parsed } : {}) };
    });
    const body = this.flatten(variablesOf(m)).flatMap((v) => this.variable(v) ?? []);
    this.macros.set(name.key, { name, params, result: eqn, body });
  }

  private readonly submodels = new Map<string, XmlElement>();

  /**
   * A module instance, flattened: each variable of its model becomes `module.variable`, and each
   * <connect to="port" from="source"> makes the port take the source's value.
   */
  private module(e: XmlElement, parentPrefix: string, depth: number): VarDecl[] {
    const name = xmileName(e.attributes.get('name') ?? '', e);
    const modelName = e.attributes.get('model') ?? name.text;
    const model = this.submodels.get(nameKey(xmileName(modelName, e).text));
    if (!model) {
      this.sink.error('unknown-name', spanOf(e), `Module "${name.text}" uses model "${modelName}", which the file does not define.`);
      return [];
    }
    if (depth > 16) {
      this.sink.error('syntax', spanOf(e), `Module "${name.text}" is nested more than 16 deep (do modules contain each other?).`);
      return [];
    }
    const prefix = `${parentPrefix}${name.text}.`;
    const sources = new Map<string, string>();
    for (const c of children(e, 'connect')) {
      const to = c.attributes.get('to');
      const from = c.attributes.get('from');
      if (!to || !from) {
        this.sink.error('syntax', spanOf(c), 'A <connect> needs both "to" and "from".');
        continue;
      }
      // Stella writes the port as "module.port", other tools as "port".
      const port = nameKey(xmileName(to, c).text).startsWith(`${name.key}.`) ? to.slice(to.indexOf('.') + 1) : to;
      sources.set(nameKey(xmileName(port, c).text), parentPrefix + xmileName(from.startsWith('.') ? from.slice(1) : from, c).text);
    }
    const members = this.flatten(variablesOf(model));
    const locals = new Set(members.map((m) => nameKey(xmileName(m.attributes.get('name') ?? '', m).text)));
    const out: VarDecl[] = [];
    for (const m of members) {
      if (m.local === 'module') {
        out.push(...this.module(m, prefix, depth + 1));
        continue;
      }
      const local = xmileName(m.attributes.get('name') ?? '', m);
      const source = sources.get(local.key);
      const renamed: NameRef = { key: nameKey(prefix + local.text), text: prefix + local.text, span: local.span };
      if (source !== undefined) {
        const ref: NameRef = { key: nameKey(source), text: source, span: spanOf(m) };
        out.push({ kind: 'aux', name: renamed, dims: [], equation: { kind: 'ref', name: ref, span: ref.span }, elementEquations: [], inflows: [], outflows: [], nonNegative: false, span: spanOf(m) });
        continue;
      }
      const decl = this.variable(m);
      if (!decl) continue;
      const inModule = renameLocals(decl, renamed, locals, prefix);
      if (decl.conveyor && this.exponential.has(decl.conveyor)) this.exponential.add(inModule.conveyor!);
      out.push(inModule);
    }
    return out;
  }

  /** Variables, looking inside groups (Stella sectors), which only organise the diagram. */
  private flatten(elements: readonly XmlElement[]): XmlElement[] {
    return elements.flatMap((c) => (c.local === 'group' ? this.flatten(c.children) : [c]));
  }

  private simSpecs(e: XmlElement): SimSpecDecl {
    const number = (name: string): Expr | undefined => {
      const el = child(e, name);
      if (!el) return undefined;
      const x = Number(el.text.trim());
      if (!Number.isFinite(x)) {
        this.sink.error('sim-spec', spanOf(el), `<${name}> must be a number, not "${el.text.trim()}".`);
        return undefined;
      }
      const reciprocal = name === 'dt' && el.attributes.get('reciprocal') === 'true';
      return { kind: 'number', value: reciprocal ? 1 / x : x, span: spanOf(el) };
    };
    const methodText = (e.attributes.get('method') ?? 'euler').toLowerCase();
    const method = METHODS.get(methodText);
    if (!method) this.sink.warning('sim-spec', spanOf(e), `Integration method "${e.attributes.get('method')}" is not supported; using Euler.`);
    const timeUnits = e.attributes.get('time_units');
    const start = number('start');
    const stop = number('stop');
    const dt = number('dt');
    const save = number('save_step');
    return {
      ...(start ? { start } : {}),
      ...(stop ? { stop } : {}),
      ...(dt ? { dt } : {}),
      ...(save ? { saveEvery: save } : {}),
      ...(e.attributes.get('cwb:stop_at') ? { stopAt: xmileName(e.attributes.get('cwb:stop_at')!, e) } : {}),
      method: { value: method ?? 'euler', span: spanOf(e) },
      ...(timeUnits && /^[A-Za-z][A-Za-z ]*$/.test(timeUnits) ? { timeUnit: { value: timeUnits, span: spanOf(e) } } : {}),
      span: spanOf(e),
    };
  }

  private dimensions(e: XmlElement | undefined): DimensionDecl[] {
    if (!e) return [];
    return children(e, 'dim').map((d) => {
      const elems = children(d, 'elem');
      const size = Number(d.attributes.get('size'));
      const elements: NameRef[] =
        elems.length > 0
          ? elems.map((x) => xmileName(x.attributes.get('name') ?? '', x))
          : Number.isInteger(size) && size > 0
            ? Array.from({ length: size }, (_, i) => ({ key: String(i + 1), text: String(i + 1), span: spanOf(d) }))
            : [];
      if (elements.length === 0) this.sink.error('syntax', spanOf(d), `Dimension "${d.attributes.get('name') ?? ''}" has no elements.`);
      return { name: xmileName(d.attributes.get('name') ?? '', d), elements, span: spanOf(d) };
    });
  }

  private variable(e: XmlElement): VarDecl | undefined {
    const kinds: Record<string, VarKind> = { stock: 'stock', flow: 'flow', aux: 'aux', gf: 'graph' };
    const declared = kinds[e.local];
    if (!declared) {
      return undefined;
    }
    // Our own export marks constants (XMILE has no such kind); other tools ignore the attribute.
    const kind: VarKind = declared === 'aux' && e.attributes.get('cwb:kind') === 'const' ? 'const' : declared;
    const rawName = e.attributes.get('name');
    if (!rawName) {
      this.sink.error('syntax', spanOf(e), `A <${e.local}> has no name attribute.`);
      return undefined;
    }
    const name = xmileName(rawName, e);
    const eqns = children(e, 'eqn');
    const eqn = eqns[0];
    // An array may list one equation per element: several <eqn>s, or "1, 2; 3, 4" in one.
    const rows = eqn && eqns.length === 1 ? splitTopLevel(eqn.text, ';').filter((r, i, all) => i < all.length - 1 || r.trim() !== '').map((r) => splitTopLevel(r, ',')) : [];
    const table = rows.length > 1 || (rows[0]?.length ?? 0) > 1 ? rows.map((r) => r.map((part) => this.equation({ ...eqn!, text: part }, name.text))) : undefined;
    const perElement = eqns.length > 1 ? [eqns.map((x) => this.equation(x, name.text))] : table;
    const equation = eqn && !perElement ? this.equation(eqn, name.text) : undefined;
    const gf = e.local === 'gf' ? e : child(e, 'gf');
    const graph = gf ? this.graph(gf, name.text) : undefined;
    const units = child(e, 'units');
    const doc = child(e, 'doc');
    const dims = child(e, 'dimensions');
    const elementEquations: ElementEquation[] = [];
    const elementGraphs: ElementGraph[] = [];
    for (const el of children(e, 'element')) {
      const subscripts = (el.attributes.get('subscript') ?? '').split(',').map((s) => ({ text: s.trim(), span: spanOf(el) }));
      const eq = child(el, 'eqn');
      const ownGf = child(el, 'gf');
      const table = ownGf ? this.graph(ownGf, name.text) : undefined;
      if (table) elementGraphs.push({ subscripts, xs: table.xs, ys: table.ys, interpolation: table.interpolation, span: table.span });
      const parsed = eq ? this.equation(eq, name.text) : undefined;
      if (parsed) elementEquations.push({ subscripts, equation: parsed, span: spanOf(el) });
    }
    const unitsText = this.units(units, name.text);
    const equationOf = (x: XmlElement, owner: string): Expr | undefined => this.equation(x, owner);
    const stockBelt = kind === 'stock' ? readStockBelt(e, name.text, equationOf, this.sink) : undefined;
    if (stockBelt?.conveyor && stockBelt.exponential) this.exponential.add(stockBelt.conveyor);
    const flowBelt = kind === 'flow' || kind === 'aux' ? readFlowBelt(e, name.text, equationOf, this.sink) : undefined;
    if (stockBelt?.conveyor && perElement && dims === undefined) {
      this.sink.error('conveyor', spanOf(eqn!), `Conveyor "${name.text}" lists an initial value per slat; give it one initial value, which is spread over its belt.`, name.text);
    }
    // A leakage's <eqn> is its leak fraction, not an equation.
    const leaking = flowBelt?.leak !== undefined;
    return {
      kind: (graph || elementGraphs.length) && kind !== 'stock' ? 'graph' : kind,
      name,
      dims: dims ? children(dims, 'dim').map((d) => xmileName(d.attributes.get('name') ?? '', d)) : [],
      ...(unitsText ? { units: { text: unitsText, span: spanOf(units!) } } : {}),
      ...(equation && !leaking ? { equation } : {}),
      ...(perElement && !leaking && perElement.flat().every((x) => x !== undefined) ? { valueList: { rows: perElement as Expr[][], span: spanOf(eqn!) } } : {}),
      elementEquations,
      inflows: children(e, 'inflow').map((f) => xmileName(f.text.replace(/^"|"$/g, ''), f)),
      outflows: children(e, 'outflow').map((f) => xmileName(f.text.replace(/^"|"$/g, ''), f)),
      nonNegative: this.nonNegative(e),
      ...(doc && doc.text.trim() ? { doc: stripHtml(doc.text) } : {}),
      ...(graph ? { graph } : {}),
      ...(elementGraphs.length ? { elementGraphs } : {}),
      ...(indicatorOf(e) ? { indicator: indicatorOf(e)! } : {}),
      ...(stockBelt?.conveyor ? { conveyor: stockBelt.conveyor } : {}),
      ...(stockBelt?.queue ? { queue: stockBelt.queue } : {}),
      ...(flowBelt?.leak ? { leak: { kind: 'fraction' as const, ...flowBelt.leak } } : {}),
      ...(flowBelt?.overflow ? { overflow: flowBelt.overflow } : {}),
      span: spanOf(e),
    };
  }

  /** `<non_negative/>` or `<non_negative>true</non_negative>`; otherwise the <behavior> default. */
  private nonNegative(e: XmlElement): boolean {
    const flag = child(e, 'non_negative');
    if (flag) return flag.text.trim().toLowerCase() !== 'false';
    return e.local === 'stock' ? this.defaults.stock : e.local === 'flow' ? this.defaults.flow : false;
  }

  /** Units we can read; others are dropped with a warning so the model still runs. */
  private units(e: XmlElement | undefined, owner: string): string | undefined {
    const text = e?.text.trim();
    if (!text) return undefined;
    const mapped = /^(dmnl|dimensionless|unitless)$/i.test(text) ? '1' : text;
    try {
      parseUnits(mapped);
      return mapped;
    } catch (err) {
      if (!(err instanceof UnitSyntaxError)) throw err;
      this.sink.warning('bad-units', spanOf(e!), `The units "${text}" of "${owner}" cannot be read (${err.message}); they were left out.`, owner);
      return undefined;
    }
  }

  private equation(eqn: XmlElement, owner: string): Expr | undefined {
    // Stella allows {comments} inside equations; blank them out, keeping positions.
    const text = quoteDottedNames(eqn.text.replace(/\{[^}]*\}/g, (c) => c.replace(/[^\n]/g, ' ')));
    const before = this.sink.items.length;
    const expr = parseExpression(text, this.sink, { line: eqn.line, column: eqn.column + eqn.name.length + 2 });
    for (let i = before; i < this.sink.items.length; i++) {
      const d = this.sink.items[i]!;
      this.sink.items[i] = { ...d, message: `In the equation of "${owner}": ${d.message}`, variable: owner };
    }
    return expr;
  }

  private graph(gf: XmlElement, owner: string): GraphSpec | undefined {
    const numbers = (el: XmlElement | undefined): number[] | undefined => {
      if (!el) return undefined;
      const sep = el.attributes.get('sep') ?? ',';
      return el.text.split(sep).map((s) => s.trim()).filter((s) => s !== '').map(Number);
    };
    const ys = numbers(child(gf, 'ypts'));
    let xs = numbers(child(gf, 'xpts'));
    const xscale = child(gf, 'xscale');
    if (!xs && xscale && ys) {
      const min = Number(xscale.attributes.get('min'));
      const max = Number(xscale.attributes.get('max'));
      xs = ys.map((_, i) => (ys.length === 1 ? min : min + ((max - min) * i) / (ys.length - 1)));
    }
    if (!xs || !ys || xs.some((x) => !Number.isFinite(x)) || ys.some((y) => !Number.isFinite(y))) {
      this.sink.error('graph', spanOf(gf), `The graphical function of "${owner}" needs numeric <xpts> (or <xscale>) and <ypts>.`, owner);
      return undefined;
    }
    const type = (gf.attributes.get('type') ?? 'continuous').toLowerCase();
    const interpolation: Interpolation = type === 'extrapolate' ? 'extrapolate' : type === 'discrete' ? 'discrete' : 'continuous';
    return { xs, ys, interpolation, span: spanOf(gf) };
  }
}

/** Documentation may be HTML (Stella rich text); keep its words. */
function stripHtml(text: string): string {
  return text.replace(/<[^>]*>/g, ' ').replace(/[ \t]+/g, ' ').trim();
}

/** Splits at a separator outside brackets and parentheses. */
function splitTopLevel(text: string, separator: ',' | ';'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** A model's variables: inside <variables>, or (older Stella files) directly in <model>. */
function variablesOf(model: XmlElement): XmlElement[] {
  const vars = child(model, 'variables');
  if (vars) return vars.children;
  return model.children.filter((c) => ['stock', 'flow', 'aux', 'gf', 'module', 'group'].includes(c.local));
}

/** XMILE <behavior><stock><non_negative/></stock></behavior>, in the model or the whole file. */
function nonNegativeDefault(root: XmlElement, model: XmlElement | undefined, kind: 'stock' | 'flow'): boolean {
  for (const scope of [model, root]) {
    const behavior = scope ? child(scope, 'behavior') : undefined;
    const flag = behavior ? child(child(behavior, kind) ?? behavior, 'non_negative') : undefined;
    if (flag && child(behavior!, kind)) return flag.text.trim().toLowerCase() !== 'false';
  }
  return false;
}

/** A module's variable with its own name and references to its siblings given the module prefix. */
function renameLocals(decl: VarDecl, name: NameRef, locals: ReadonlySet<string>, prefix: string): VarDecl {
  const rename = (n: NameRef): NameRef => (locals.has(n.key) ? { key: nameKey(prefix + n.text), text: prefix + n.text, span: n.span } : n);
  const expr = (e: Expr): Expr =>
    rewriteExpr(e, (x) => (x.kind === 'ref' ? { ...x, name: rename(x.name) } : x.kind === 'call' ? { ...x, name: rename(x.name), args: x.args.map(expr) } : undefined));
  const c = decl.conveyor;
  const maybe = (e: Expr | undefined): Expr | undefined => (e ? expr(e) : undefined);
  return {
    ...decl,
    name,
    ...(c ? { conveyor: { ...c, ...Object.fromEntries((['transitTime', 'capacity', 'inflowLimit', 'arrest', 'sample'] as const).flatMap((k) => (c[k] ? [[k, maybe(c[k])]] : []))) } } : {}),
    ...(decl.leak ? { leak: { ...decl.leak, value: expr(decl.leak.value) } } : {}),
    ...(decl.equation ? { equation: expr(decl.equation) } : {}),
    ...(decl.valueList ? { valueList: { ...decl.valueList, rows: decl.valueList.rows.map((r) => r.map(expr)) } } : {}),
    elementEquations: decl.elementEquations.map((x) => ({ ...x, equation: expr(x.equation) })),
    inflows: decl.inflows.map(rename),
    outflows: decl.outflows.map(rename),
  };
}

/** `module.variable` references become quoted names (our names have no dots); quoted text is left alone. */
function quoteDottedNames(text: string): string {
  return text
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/(?<![\w."])([\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)+)/gu, '"$1"')))
    .join('');
}

/** Positions of stocks, flows, auxiliaries and modules on the model's first diagram view. */
function readDiagram(model: XmlElement): DiagramItem[] {
  const view = child(child(model, 'views') ?? model, 'view');
  if (!view) return [];
  const items: DiagramItem[] = [];
  for (const e of view.children) {
    if (e.local !== 'stock' && e.local !== 'flow' && e.local !== 'aux' && e.local !== 'module') continue;
    const x = Number(e.attributes.get('x'));
    const y = Number(e.attributes.get('y'));
    const name = e.attributes.get('name');
    if (!name || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    const pts = child(e, 'pts');
    const points = pts ? children(pts, 'pt').map((p) => ({ x: Number(p.attributes.get('x')), y: Number(p.attributes.get('y')) })).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)) : [];
    items.push({ kind: e.local, name: xmileName(name, e).text, x, y, ...(points.length ? { points } : {}) });
  }
  return items;
}

/** Our export writes an indicator's target, direction and amber band as cwb: attributes (other tools ignore them). */
function indicatorOf(e: XmlElement): IndicatorDecl | undefined {
  const target = Number(e.attributes.get('cwb:target'));
  const better = e.attributes.get('cwb:better');
  if (!Number.isFinite(target) || (better !== 'lower' && better !== 'higher')) return undefined;
  const span = spanOf(e);
  const amber = Number(e.attributes.get('cwb:amber'));
  const num = (value: number): Expr => ({ kind: 'number', value, span });
  return { target: num(target), better: { value: better, span }, ...(Number.isFinite(amber) ? { amber: num(amber) } : {}), span };
}
