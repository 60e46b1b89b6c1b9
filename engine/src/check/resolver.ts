import type { DiagnosticSink, SourceSpan } from '../diagnostics.js';
import type { Expr, SubscriptItem, VarDecl } from '../language/ast.js';
import { elementKey } from '../names.js';
import { BUILTIN_CONSTANTS, BUILTINS, REDUCING_WITH_ONE_ARG, type BuiltinInfo } from './builtins.js';
import { wildDimensions, type Dimension, type Equations, type GraphTable, type IndexSpec, type RExpr, type ReduceFn, type Variable, type VectorFn } from './model.js';
import { closestName } from './suggest.js';

type BinaryR = Extract<RExpr, { k: 'binary' }>;

/** A variable under construction: the mutable shape behind the read-only `Variable`. */
export interface Building {
  readonly decl: VarDecl;
  readonly variable: Variable & {
    inflows: Variable[];
    outflows: Variable[];
    equations?: Equations;
    elementGraphs?: ReadonlyMap<number, GraphTable>;
  };
  /** Its declaration has an error already reported (such as an unknown dimension): check nothing that depends on it. */
  readonly opaque: boolean;
}

const REDUCE_FNS: ReadonlyMap<string, ReduceFn> = new Map([
  ['sum', 'sum'],
  ['mean', 'mean'],
  ['min', 'min'],
  ['max', 'max'],
  ['prod', 'prod'],
  ['stddev', 'stddev'],
  ['size', 'size'],
]);

/** Functions users know from Vensim or Stella, by the name of ours that does the same. */
const OTHER_TOOLS_NAMES: ReadonlyMap<string, string> = new Map([
  ['smooth', 'smth1'],
  ['smoothi', 'smth1'],
  ['smooth3', 'smth3'],
  ['smooth3i', 'smth3'],
  ['smooth n', 'smthn'],
  ['delay fixed', 'delay'],
  ['delay1i', 'delay1'],
  ['delay3i', 'delay3'],
  ['delay n', 'delayn'],
  ['xidz', 'safediv'],
  ['zidz', 'safediv'],
  ['integer', 'int'],
  ['modulo', 'mod'],
  ['forecast', 'forcst'],
  ['initial', 'init'],
  ['random uniform', 'uniform'],
]);

/** Resolves the expressions of one variable: names to variables, subscripts to elements, calls to builtins. */
export class Resolver {
  /** The equation being resolved is apply-to-all (subscripts may follow the element computed). */
  private contextual = false;
  private reduceDepth = 0;

  constructor(
    private readonly owner: Variable,
    private readonly all: Map<string, Building>,
    private readonly dimensions: Map<string, Dimension>,
    private readonly sink: DiagnosticSink,
  ) {}

  resolve(e: Expr, contextual: boolean): RExpr {
    this.contextual = contextual && this.owner.dims.length > 0;
    return this.expr(e);
  }

  /** Flat index of an element equation's `[a, b]`, or undefined after reporting. */
  elementOf(items: readonly SubscriptItem[], span: SourceSpan): number | undefined {
    const dims = this.owner.dims;
    if (items.length !== dims.length) {
      this.error('subscript', span, `"${this.owner.name}" has ${dims.length} dimension${dims.length === 1 ? '' : 's'} (${dims.map((d) => d.name).join(', ')}), so each element equation needs ${dims.length} element name${dims.length === 1 ? '' : 's'} in brackets.`);
      return undefined;
    }
    let flat = 0;
    for (let i = 0; i < dims.length; i++) {
      const dim = dims[i]!;
      const index = this.elementIndex(dim, items[i]!);
      if (index === undefined) return undefined;
      flat = flat * dim.elements.length + index;
    }
    return flat;
  }

  private error(code: Parameters<DiagnosticSink['error']>[0], span: SourceSpan, message: string): RExpr {
    this.sink.error(code, span, message, this.owner.name);
    return { k: 'num', v: Number.NaN, span };
  }

  private expr(e: Expr): RExpr {
    switch (e.kind) {
      case 'number':
        return { k: 'num', v: e.value, span: e.span };
      case 'unary': {
        const a = this.expr(e.arg);
        if (e.op === '+') return a;
        return { k: 'unary', op: e.op, a, span: e.span };
      }
      case 'binary': {
        // No object spread here: this runs for every operator of every equation.
        const r: { -readonly [K in keyof BinaryR]: BinaryR[K] } = { k: 'binary', op: e.op, a: this.expr(e.left), b: this.expr(e.right), span: e.span };
        if (e.opSpan) r.opSpan = e.opSpan;
        return r;
      }
      case 'if':
        return { k: 'if', c: this.expr(e.cond), a: this.expr(e.then), b: this.expr(e.else), span: e.span };
      case 'ref':
        return this.ref(e);
      case 'call':
        return this.call(e);
    }
  }

  private ref(e: Extract<Expr, { kind: 'ref' }>): RExpr {
    const key = e.name.key;
    const target = this.all.get(key)?.variable;
    if (!target) {
      const constant = BUILTIN_CONSTANTS.get(key);
      if (constant) {
        if (e.subscripts) return this.error('subscript', e.span, `${e.name.text} is a built-in value and has no elements.`);
        if (constant === 'pi') return { k: 'num', v: Math.PI, span: e.span };
        if (constant === 'inf') return { k: 'num', v: Number.POSITIVE_INFINITY, span: e.span };
        return { k: 'clock', which: constant, span: e.span };
      }
      if (BUILTINS.has(key)) return this.error('wrong-arguments', e.span, `${e.name.text} is a function: write ${BUILTINS.get(key)!.signature}.`);
      const ownDim = this.owner.dims.findIndex((d) => d.key === key);
      if (ownDim >= 0 && this.contextual && !e.subscripts) return { k: 'position', position: ownDim, span: e.span };
      if (this.dimensions.has(key)) {
        return this.error('unknown-name', e.span, `"${e.name.text}" is a dimension, not a variable; use it inside brackets, like population[${this.dimensions.get(key)!.name}].`);
      }
      const hint = closestName(key, [...this.all.values()].map((b) => b.variable.name));
      return this.error('unknown-name', e.name.span, `Unknown variable "${e.name.text}".${hint ? ` Did you mean "${hint}"?` : ''}`);
    }
    if (target.kind === 'graph' && !this.all.get(key)!.decl.equation && this.all.get(key)!.decl.elementEquations.length === 0) {
      return this.error('wrong-arguments', e.span, `Graph "${target.name}" has no input of its own; use it as a function: ${quoteIfNeeded(target.name)}(x).`);
    }
    const building = this.all.get(key)!;
    if (building.opaque && building.decl.dims.length !== target.dims.length) return { k: 'num', v: Number.NaN, span: e.span }; // its dimensions are unknown
    return { k: 'var', ref: target, index: this.indexSpecs(target, e.subscripts, e.span), span: e.span };
  }

  private indexSpecs(target: Variable, items: readonly SubscriptItem[] | undefined, span: SourceSpan): IndexSpec[] {
    const dims = target.dims;
    const ctxDims = this.contextual ? this.owner.dims : [];
    if (!items) {
      if (dims.length === 0) return [];
      // An unsubscripted array follows the equation's own elements, or is whole inside SUM(…).
      return dims.map((d, i) => {
        const pos = nthIndexOf(ctxDims, d, occurrence(dims, i));
        if (pos >= 0) return { kind: 'context', position: pos } as const;
        const mapped = ctxDims.findIndex((x) => x.mappedTo.has(d.key));
        if (mapped >= 0) return { kind: 'context', position: mapped, map: ctxDims[mapped]!.mappedTo.get(d.key)! } as const;
        if (this.reduceDepth > 0) return { kind: 'wild', dim: d } as const;
        this.error('subscript', span, `"${target.name}" is an array over ${dims.map((x) => x.name).join(' × ')}; say which element, as in ${quoteIfNeeded(target.name)}[${dims.map((x) => x.elements[0]).join(', ')}], or add them up with SUM(${quoteIfNeeded(target.name)}[${dims.map(() => '*').join(', ')}]).`);
        return { kind: 'fixed', index: 0 } as const;
      });
    }
    if (dims.length === 0) {
      this.error('subscript', span, `"${target.name}" has no dimensions, so it cannot take [${items.map((i) => i.text).join(', ')}].`);
      return [];
    }
    if (items.length !== dims.length) {
      this.error('subscript', span, `"${target.name}" has ${dims.length} dimension${dims.length === 1 ? '' : 's'} (${dims.map((d) => d.name).join(', ')}) but ${items.length} subscript${items.length === 1 ? ' is' : 's are'} given.`);
      return dims.map(() => ({ kind: 'fixed', index: 0 }) as const);
    }
    return dims.map((dim, i): IndexSpec => {
      const item = items[i]!;
      const key = elementKey(item.text);
      if (item.text === '*') {
        if (this.reduceDepth > 0) return { kind: 'wild', dim };
        this.error('subscript', item.span, `[*] means "every element" and can only be used inside SUM, MEAN, MIN, MAX, PROD, STDDEV or SIZE.`);
        return { kind: 'fixed', index: 0 };
      }
      if (key === dim.key && !dim.elementIndex.has(key)) {
        const pos = nthIndexOf(ctxDims, dim, occurrence(dims, i));
        if (pos >= 0) return { kind: 'context', position: pos };
        // Not over this dimension, but over one mapped to it: the corresponding element.
        const mapped = ctxDims.findIndex((d) => d.mappedTo.has(dim.key));
        if (mapped >= 0) return { kind: 'context', position: mapped, map: ctxDims[mapped]!.mappedTo.get(dim.key)! };
        if (this.reduceDepth > 0) return { kind: 'wild', dim };
        this.error('subscript', item.span, `This equation is not over "${dim.name}", so ${quoteIfNeeded(target.name)}[${dim.name}] does not pick one element. Name an element, such as [${dim.elements[0]}], or add them up with SUM(${quoteIfNeeded(target.name)}[*]).`);
        return { kind: 'fixed', index: 0 };
      }
      const bang = item.text.endsWith('!') ? this.dimensions.get(elementKey(item.text.slice(0, -1))) : undefined;
      if (bang === dim && this.reduceDepth > 0) return { kind: 'wild', dim };
      const other = bang ?? (dim.elementIndex.has(key) ? undefined : this.dimensions.get(key));
      if (other) {
        // A subrange (or any dimension whose elements all belong to this one) maps element by name.
        const byName = other.elements.map((e) => dim.elementIndex.get(elementKey(e)));
        // Elements by name (a subrange), or one for one in order (a mapping).
        const map = byName.every((m) => m !== undefined) ? byName : (other.mappedTo.get(dim.key) ?? byName);
        if (map.every((m) => m !== undefined)) {
          const pos = ctxDims.indexOf(other);
          if (!bang && pos >= 0) return { kind: 'context', position: pos, map: map as number[] };
          // The equation is over a dimension mapped to this one: the element in the same position.
          const viaMapping = ctxDims.findIndex((d) => d.mappedTo.has(other.key));
          if (!bang && viaMapping >= 0) return { kind: 'context', position: viaMapping, map: ctxDims[viaMapping]!.mappedTo.get(other.key)!.map((j) => map[j]!) };
          if (this.reduceDepth > 0) return { kind: 'wild', dim: other, map: map as number[] };
        }
        this.error('subscript', item.span, `"${target.name}" is over "${dim.name}" in this position, not "${other.name}".`);
        return { kind: 'fixed', index: 0 };
      }
      const index = this.elementIndex(dim, item);
      return { kind: 'fixed', index: index ?? 0 };
    });
  }

  /** Matches `65-69`, `AgeBand.65-69` or a 1-based position to an element of `dim`. */
  private elementIndex(dim: Dimension, item: SubscriptItem): number | undefined {
    const key = elementKey(item.text);
    const direct = dim.elementIndex.get(key);
    if (direct !== undefined) return direct;
    const dot = key.indexOf('.');
    if (dot > 0 && key.slice(0, dot).trim() === dim.key) {
      const qualified = dim.elementIndex.get(key.slice(dot + 1).trim());
      if (qualified !== undefined) return qualified;
    }
    if (/^[0-9]+$/.test(key)) {
      const n = Number(key);
      if (n >= 1 && n <= dim.elements.length) return n - 1;
      this.error('unknown-element', item.span, `Position ${n} is outside dimension "${dim.name}", which has ${dim.elements.length} elements.`);
      return undefined;
    }
    const hint = closestName(key, dim.elements);
    const list = dim.elements.length <= 12 ? dim.elements.join(', ') : `${dim.elements.slice(0, 12).join(', ')}, …`;
    this.error('unknown-element', item.span, `"${item.text}" is not an element of dimension "${dim.name}" (its elements are ${list}).${hint ? ` Did you mean "${hint}"?` : ''}`);
    return undefined;
  }

  /** VECTOR_ELM_MAP, and the functions of whole vectors (arguments written with [*]). */
  vectorCall(e: Extract<Expr, { kind: 'call' }>, info: BuiltinInfo): RExpr {
    const name = info.name.replace(/ /g, '_');
    if (e.name.key === 'vector elm map' || e.name.key === 'vector lookup') {
      const base = this.expr(e.args[0]!);
      const rest = e.args.slice(1).map((a) => this.expr(a));
      if (base.k !== 'var' || base.ref.dims.length === 0) {
        const what = e.name.key === 'vector lookup' ? 'the lookup starts there' : 'the offset counts from it';
        return base.k === 'num' && Number.isNaN(base.v) ? base : this.error('wrong-arguments', e.args[0]!.span, `The first argument of ${name} must be one element of an array, such as x[${this.owner.dims[0]?.elements[0] ?? 'first'}]; ${what}.`);
      }
      if (e.name.key === 'vector lookup') return { k: 'veclookup', ref: base.ref, index: base.index, args: rest, span: e.span };
      return { k: 'elmmap', ref: base.ref, index: base.index, offset: rest[0]!, span: e.span };
    }
    const vectorArgs = info.vectorArgs ?? [];
    const vectors: RExpr[] = [];
    const args: RExpr[] = [];
    const shapes: Dimension[][] = [];
    e.args.forEach((a, i) => {
      if (!vectorArgs.includes(i)) return void args.push(this.expr(a));
      this.reduceDepth++;
      const r = this.expr(a);
      this.reduceDepth--;
      vectors.push(r);
      shapes.push(wildDimensions(r));
    });
    const axes = info.resultAxes ?? 1;
    for (let n = 0; n < shapes.length; n++) {
      const dims = shapes[n]!;
      const arg = e.args[vectorArgs[n]!]!;
      const wanted = axes === 2 ? 2 : 1;
      if (axes !== 0 && dims.length !== wanted) {
        return this.error('subscript', arg.span, `${name} needs ${wanted === 2 ? 'a matrix: mark its two dimensions with [*, *]' : 'a vector: mark the dimension it runs over with [*]'}, as in ${info.signature}${dims.length > wanted ? ` (this argument has ${dims.length} dimensions marked)` : ''}.`);
      }
      if (dims.length === 0) return this.error('subscript', arg.span, `${name} needs a vector: mark the dimension it runs over with [*], as in ${info.signature}.`);
      const size = dims.reduce((k, d) => k * d.elements.length, 1);
      const first = shapes[0]!.reduce((k, d) => k * d.elements.length, 1);
      if (size !== first) return this.error('subscript', arg.span, `The vectors given to ${name} must have the same number of elements, but this one has ${size} and the first has ${first}.`);
    }
    if (axes === 2 && shapes[0]![0]!.elements.length !== shapes[0]![1]!.elements.length) {
      return this.error('subscript', e.args[0]!.span, `${name} needs a square matrix, but this one is ${shapes[0]![0]!.elements.length} × ${shapes[0]![1]!.elements.length}.`);
    }
    const positions = axes === 0 ? [] : this.resultPositions(shapes[0]!, name, e.span);
    if (!positions) return { k: 'num', v: Number.NaN, span: e.span };
    return { k: 'vector', fn: e.name.key as VectorFn, vectors, args, axes: positions, span: e.span };
  }

  /**
   * Which of the owner's dimensions picks each element of a vector function's result: the same
   * dimension, else one mapped to it, else one with the same elements, else the last one of the
   * same size (Vensim's vectors run over the last subscript).
   */
  private resultPositions(wild: readonly Dimension[], name: string, span: SourceSpan): { position: number; map?: readonly number[] }[] | undefined {
    const owner = this.owner.dims;
    const out: (number | undefined)[] = wild.map(() => undefined);
    const sameElements = (a: Dimension, b: Dimension): boolean => a.elements.length === b.elements.length && a.elements.every((x, i) => elementKey(x) === elementKey(b.elements[i]!));
    const tests: ((o: Dimension, w: Dimension) => boolean)[] = [
      (o, w) => o === w,
      (o, w) => o.mappedTo.has(w.key) || w.mappedTo.has(o.key),
      sameElements,
      (o, w) => o.elements.length === w.elements.length,
    ];
    for (const test of tests) {
      wild.forEach((w, k) => {
        if (out[k] !== undefined) return;
        for (let p = owner.length - 1; p >= 0; p--) if (!out.includes(p) && test(owner[p]!, w)) return void (out[k] = p);
      });
    }
    const missing = out.findIndex((p) => p === undefined);
    if (missing < 0) {
      return (out as number[]).map((position, k) => {
        const o = owner[position]!;
        const w = wild[k]!;
        // The owner's element → the result's: through a mapping either way round, else by name, else in order.
        const back = w.mappedTo.get(o.key);
        const inverse = back ? o.elements.map((_, i) => back.indexOf(i)) : undefined;
        const byName = o.elements.map((e) => w.elementIndex.get(elementKey(e)));
        const map = o === w ? undefined : (o.mappedTo.get(w.key) ?? (inverse?.every((i) => i >= 0) ? inverse : byName.every((i) => i !== undefined) ? (byName as number[]) : undefined));
        return { position, ...(map ? { map } : {}) };
      });
    }
    const w = wild[missing]!;
    this.error('subscript', span, `${name} gives one value per element of "${w.name}", so "${this.owner.name}" must be an array over "${w.name}" (or another dimension of ${w.elements.length} elements) to hold them.`);
    return undefined;
  }

  private call(e: Extract<Expr, { kind: 'call' }>): RExpr {
    const key = e.name.key;
    const graph = this.all.get(key)?.variable;
    // A variable may share a builtin's name ("mean"); only a graph can be called like a function.
    if (graph && (graph.kind === 'graph' || !BUILTINS.has(key))) {
      if (graph.kind !== 'graph') {
        return this.error('unknown-function', e.name.span, `"${graph.name}" is ${article(graph.kind)} ${graph.kind}, not a graph or function, so it cannot be called with (…).`);
      }
      if (e.args.length !== 1) return this.error('wrong-arguments', e.span, `Graph "${graph.name}" takes one input value: ${quoteIfNeeded(graph.name)}(x).`);
      if (this.all.get(key)!.decl.elementGraphs?.length) {
        return this.error('wrong-arguments', e.span, `Graph "${graph.name}" has points per element, so it cannot be called like a function; give it an input and use its values.`);
      }
      return { k: 'lookup', graph, x: this.expr(e.args[0]!), span: e.span };
    }
    const info = BUILTINS.get(key);
    if (!info) {
      const hint = closestName(key, [...BUILTINS.values()].map((b) => b.name));
      const ours = OTHER_TOOLS_NAMES.get(key);
      if (ours) return this.error('unknown-function', e.name.span, `Unknown function "${e.name.text}" (a Vensim or Stella name): here it is ${BUILTINS.get(ours)!.signature}.`);
      return this.error('unknown-function', e.name.span, `Unknown function "${e.name.text}".${hint ? ` Did you mean ${hint}?` : ''}`);
    }
    if (e.args.length < info.minArgs || e.args.length > info.maxArgs) {
      const count = info.minArgs === info.maxArgs ? `${info.minArgs}` : `${info.minArgs} to ${info.maxArgs}`;
      const failed = this.error('wrong-arguments', e.span, `${info.name.replace(/ /g, '_')} takes ${count} argument${info.maxArgs === 1 ? '' : 's'} (${info.signature}) but ${e.args.length} ${e.args.length === 1 ? 'was' : 'were'} given.`);
      this.reduceDepth++; // the arguments are still checked (wildcards allowed, as the call's kind is unknown)
      for (const a of e.args) this.expr(a);
      this.reduceDepth--;
      return failed;
    }
    const reduceFn = REDUCE_FNS.get(key);
    if (reduceFn && (info.kind === 'reduce' || (REDUCING_WITH_ONE_ARG.has(key) && e.args.length === 1))) {
      this.reduceDepth++;
      const arg = this.expr(e.args[0]!);
      this.reduceDepth--;
      return { k: 'reduce', fn: reduceFn, arg, span: e.span };
    }
    if (info.kind === 'vector') return this.vectorCall(e, info);
    if (key === 'if then else') {
      return { k: 'if', c: this.expr(e.args[0]!), a: this.expr(e.args[1]!), b: this.expr(e.args[2]!), span: e.span };
    }
    if (key === 'random lookup') {
      const first = e.args[0]!;
      const g = first.kind === 'ref' ? this.all.get(first.name.key)?.variable : undefined;
      if (!g || g.kind !== 'graph') return this.error('wrong-arguments', first.span, 'The first argument of RANDOM_LOOKUP must be the name of a graph (its table is the density).');
      const index = first.kind === 'ref' && first.subscripts ? this.indexSpecs(g, first.subscripts, first.span) : undefined;
      if (!index && g.dims.length > 0 && this.all.get(g.key)!.decl.elementGraphs?.length) {
        return this.error('subscript', first.span, `Graph "${g.name}" has a table per element: say which, as in RANDOM_LOOKUP(${quoteIfNeeded(g.name)}[${g.dims.map((d) => d.elements[0]).join(', ')}], …).`);
      }
      return { k: 'randlookup', graph: g, ...(index ? { index } : {}), args: e.args.slice(1).map((a) => this.expr(a)), span: e.span };
    }
    if (key === 'lookup') {
      const first = e.args[0]!;
      const g = first.kind === 'ref' ? this.all.get(first.name.key)?.variable : undefined;
      if (!g || g.kind !== 'graph') return this.error('wrong-arguments', first.span, 'The first argument of LOOKUP must be the name of a graph.');
      if (first.kind === 'ref' && first.subscripts) {
        // LOOKUP(g[85+], x): the table of one element of an arrayed graph.
        return { k: 'lookup', graph: g, x: this.expr(e.args[1]!), span: e.span, index: this.indexSpecs(g, first.subscripts, first.span) };
      }
      if (g.dims.length > 0 && this.all.get(g.key)!.decl.elementGraphs?.length) {
        return this.error('subscript', first.span, `Graph "${g.name}" has a table per element: say which, as in LOOKUP(${quoteIfNeeded(g.name)}[${g.dims.map((d) => d.elements[0]).join(', ')}], x).`);
      }
      return { k: 'lookup', graph: g, x: this.expr(e.args[1]!), span: e.span };
    }
    return { k: 'call', fn: key, args: e.args.map((a) => this.expr(a)), span: e.span };
  }
}

export function quoteIfNeeded(name: string): string {
  return /^[\p{L}_][\p{L}\p{N}_]*$/u.test(name) ? name : `"${name}"`;
}

export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** How many times dims[i] occurred before position i (for variables over the same dimension twice). */
function occurrence(dims: readonly Dimension[], i: number): number {
  return dims.slice(0, i).filter((d) => d === dims[i]).length;
}

/** Index of the n-th occurrence of d (0-based), falling back to the first; -1 if absent. */
function nthIndexOf(list: readonly Dimension[], d: Dimension, n: number): number {
  let seen = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] !== d) continue;
    if (seen === n) return i;
    seen++;
  }
  return list.indexOf(d);
}
