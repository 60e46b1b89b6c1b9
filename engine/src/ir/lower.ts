import { DiagnosticSink } from '../diagnostics.js';
import { elementLabel, unflatten, wildDimensions, type CheckedModel, type Dimension, type IndexSpec, type RExpr, type Variable, type VectorFn } from '../check/model.js';
import type { Assignment, IExpr, LookupTable, MathFn, ModelIR, RandomDist, SlotInfo, SlotRole, VariableLayout, VectorOp } from './ir.js';
import { orderModel } from './order.js';
import { formatUnits } from '../check/units.js';
import { beltComputedFlows, isBelt, lowerBelts } from './lower-belts.js';
import type { BeltShape } from '../runtime/belts.js';

type SlotRef = { readonly k: 'slot'; i: number };

interface Context {
  readonly owner: Variable;
  /** The element being computed, as one index per dimension of the owner. */
  readonly element: readonly number[];
  /** Elements bound by `[*]` inside the reduction being expanded. */
  readonly wild: ReadonlyMap<Dimension, number>;
}

const MATH: ReadonlyMap<string, MathFn> = new Map(
  (['abs', 'exp', 'ln', 'log10', 'sqrt', 'sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh', 'int', 'round', 'mod', 'min', 'max'] as const).map((f) => [f, f]),
);
const RANDOM: ReadonlyMap<string, { dist: RandomDist; params: number }> = new Map([
  ['uniform', { dist: 'uniform', params: 2 }],
  ['normal', { dist: 'normal', params: 2 }],
  ['lognormal', { dist: 'lognormal', params: 2 }],
  ['exprnd', { dist: 'exprnd', params: 1 }],
  ['poisson', { dist: 'poisson', params: 1 }],
  ['random normal', { dist: 'truncnormal', params: 4 }],
  ['random exponential', { dist: 'truncexp', params: 4 }],
  ['random poisson', { dist: 'truncpoisson', params: 5 }],
  ['random lognormal', { dist: 'trunclognormal', params: 6 }],
  ['random triangular', { dist: 'triangular', params: 5 }],
  ['random gamma', { dist: 'gamma', params: 5 }],
  ['random beta', { dist: 'beta', params: 6 }],
  ['random weibull', { dist: 'weibull', params: 5 }],
  ['random binomial', { dist: 'binomial', params: 6 }],
  ['random negative binomial', { dist: 'negbinomial', params: 6 }],
]);
const MAX_ORDER = 100;
const VECTOR_OPS: Readonly<Record<VectorFn, VectorOp>> = {
  'vector sort order': 'sortorder',
  'vector rank': 'rank',
  'vector reorder': 'reorder',
  'vector select': 'select',
  'allocate by priority': 'allocate',
  'invert matrix': 'invert',
};

/** Mutable per-slot facts gathered while lowering; frozen into SlotInfo and programs at the end. */
interface Draft {
  info: SlotInfo;
  init?: IExpr;
  /** Value slots only: the expression evaluated at every derivative evaluation. */
  deriv?: IExpr;
  /** State slots only. */
  derivative?: IExpr;
}

/**
 * Scalarises a checked model: one slot per array element, stateful builtins expanded into hidden
 * stocks and helper slots, reductions into explicit sums. Then orders and lays out the slots.
 * Returns undefined (after reporting) when the model has an algebraic or initialisation loop.
 */
export function lowerModel(model: CheckedModel, sink: DiagnosticSink = new DiagnosticSink(model.file), options: LowerOptions = {}): ModelIR | undefined {
  return new Lowering(model, sink, options.tolerant === true).run();
}

export interface LowerOptions {
  /**
   * Accept a model with errors (missing equations become NaN, missing tables a flat one), to find
   * its algebraic loops while other errors are still being fixed. The result must never be run.
   */
  readonly tolerant?: boolean;
}

class Lowering {
  private readonly drafts: Draft[] = [];
  /** Every slot reference node, so layout can renumber them in place exactly once. */
  private readonly refs: SlotRef[] = [];
  private readonly base = new Map<Variable, number>();
  private readonly variableNumber = new Map<Variable, number>();
  private readonly tables: LookupTable[] = [];
  private readonly tableOf = new Map<string, number>();
  private readonly previous: { from: SlotRef; to: SlotRef }[] = [];
  private readonly delays: { input: SlotRef }[] = [];
  private randomSites = 0;
  /** Vector calls whose result is computed once (by the inputs they read) into a cache site. */
  private readonly preparedVectors = new Map<string, { site: number; slot: number }>();
  private vectorSiteCount = 0;
  private readonly callNumbers = new Map<RExpr, number>();
  private readonly structural = new Set<number>();
  private drains: Map<Variable, number> | undefined;
  /** Flows a conveyor or queue computes, and the result of lowering conveyors and queues. */
  private readonly computedFlows: Set<Variable>;
  private belts: { shapes: BeltShape[]; levels: Set<number> } = { shapes: [], levels: new Set() };

  constructor(
    private readonly model: CheckedModel,
    private readonly sink: DiagnosticSink,
    private readonly tolerant: boolean,
  ) {
    this.computedFlows = beltComputedFlows(model);
  }

  run(): ModelIR | undefined {
    const errorsBefore = this.sink.items.length;
    this.model.variables.forEach((v, n) => this.variableNumber.set(v, n));
    // Stocks first, so user stocks have the lowest provisional numbers.
    // A conveyor's or queue's content is computed from its belt or line at each step, not integrated.
    for (const v of this.model.variables) if (v.kind === 'stock') this.allocateVariable(v, isBelt(v) ? 'value' : 'stock');
    for (const v of this.model.variables) if (v.kind !== 'stock' && hasSlots(v)) this.allocateVariable(v, 'value');
    for (const v of this.model.variables) if (hasSlots(v)) this.lowerVariable(v);
    for (const v of this.model.variables) if (v.kind === 'stock' && !isBelt(v)) this.stockDerivatives(v);
    for (const v of this.model.variables) if (v.kind === 'stock' && v.nonNegative && !isBelt(v)) this.limitOutflows(v);
    this.belts = lowerBelts({
      model: this.model,
      sink: this.sink,
      slotOf: (v, e) => this.base.get(v)! + e,
      ref: (slot) => this.ref(slot),
      newSlot: (role, owner, element, visible, label) => this.newSlot(role, owner, element, visible, label),
      draft: (slot) => this.drafts[slot]!,
      value: (e, owner, element, what) => {
        const c: Context = { owner, element: unflatten(owner.dims, element), wild: new Map() };
        return this.helper(this.expr(e, c), c, what);
      },
      constant: (e) => constantValue(e, new Set(), new Set()),
    });
    if (this.sink.items.slice(errorsBefore).some((d) => d.severity === 'error')) return undefined;
    return this.layout();
  }

  // ---- slots ------------------------------------------------------------------------------

  private ref(i: number): SlotRef {
    const r: SlotRef = { k: 'slot', i };
    this.refs.push(r);
    return r;
  }

  private newSlot(role: SlotRole, owner: Variable, element: number, visible: boolean, label: string): number {
    this.drafts.push({ info: { role, owner: this.variableNumber.get(owner)!, element, visible, label } });
    return this.drafts.length - 1;
  }

  private allocateVariable(v: Variable, role: SlotRole): void {
    this.base.set(v, this.drafts.length);
    for (let e = 0; e < v.size; e++) this.newSlot(role, v, e, true, elementLabel(v, e));
  }

  /** A hidden helper slot holding `expr` (reused as is when it already is a slot or a number). */
  private helper(expr: IExpr, c: Context, what: string, force = false): IExpr {
    if (expr.k === 'slot' || (expr.k === 'num' && !force)) return expr;
    const s = this.newSlot('value', c.owner, elementOf(c), false, `${what} inside ${this.label(c)}`);
    this.drafts[s]!.init = expr;
    this.drafts[s]!.deriv = expr;
    return this.ref(s);
  }

  private label(c: Context): string {
    return `"${elementLabel(c.owner, elementOf(c))}"`;
  }

  // ---- variables --------------------------------------------------------------------------

  private lowerVariable(v: Variable): void {
    const base = this.base.get(v)!;
    for (let e = 0; e < v.size; e++) {
      const equation = v.equations?.elements.get(e) ?? v.equations?.all;
      if (!equation) {
        if (this.computedFlows.has(v)) continue; // its conveyor or queue computes it
        if (!this.tolerant) throw new Error(`internal: "${v.name}" has no equation`);
        this.drafts[this.base.get(v)! + e]!.init = num(Number.NaN);
        if (v.kind !== 'stock') this.drafts[this.base.get(v)! + e]!.deriv = num(Number.NaN);
        continue;
      }
      const c: Context = { owner: v, element: unflatten(v.dims, e), wild: new Map() };
      let expr = this.expr(equation, c);
      if (v.kind === 'graph') expr = { k: 'lookup', table: this.table(v, e), x: expr };
      if (v.kind === 'flow' && v.nonNegative) expr = { k: 'fn', fn: 'max', args: [num(0), expr] };
      const draft = this.drafts[base + e]!;
      draft.init = expr;
      if (v.kind !== 'stock') draft.deriv = expr;
    }
  }

  private stockDerivatives(v: Variable): void {
    const base = this.base.get(v)!;
    for (let e = 0; e < v.size; e++) {
      const terms: IExpr[] = v.inflows.map((f) => this.ref(this.base.get(f)! + e));
      let d: IExpr = terms.length === 0 ? num(0) : terms.length === 1 ? terms[0]! : { k: 'nary', op: 'sum', args: terms };
      for (const f of v.outflows) d = { k: 'bin', op: '-', a: d, b: this.ref(this.base.get(f)! + e) };
      this.drafts[base + e]!.derivative = d;
    }
  }

  /**
   * A non-negative stock cannot be drained below zero: each outflow, in the order listed, takes at
   * most what the stock holds this step plus its inflows, less what earlier outflows took.
   */
  private limitOutflows(v: Variable): void {
    const base = this.base.get(v)!;
    for (let e = 0; e < v.size; e++) {
      let available: IExpr = { k: 'bin', op: '/', a: this.ref(base + e), b: { k: 'dt' } };
      for (const f of v.inflows) available = { k: 'bin', op: '+', a: available, b: this.ref(this.base.get(f)! + e) };
      for (const f of v.outflows) {
        // A flow draining several stocks cannot be limited for one of them; the stock is clamped instead.
        if (this.outflowOf(f) > 1) continue;
        const draft = this.drafts[this.base.get(f)! + e]!;
        const limited: IExpr = { k: 'fn', fn: 'min', args: [draft.deriv!, { k: 'fn', fn: 'max', args: [num(0), available] }] };
        draft.init = limited;
        draft.deriv = limited;
        available = { k: 'bin', op: '-', a: available, b: this.ref(this.base.get(f)! + e) };
      }
    }
  }

  /** How many stocks a flow drains; counted once for the whole model (per flow it made lowering quadratic). */
  private outflowOf(f: Variable): number {
    if (!this.drains) {
      this.drains = new Map();
      for (const s of this.model.variables) if (s.kind === 'stock') for (const o of s.outflows) this.drains.set(o, (this.drains.get(o) ?? 0) + 1);
    }
    return this.drains.get(f) ?? 0;
  }

  /** The table of a graph (of one element, when the graph has points per element). */
  private table(v: Variable, element = 0): number {
    const own = v.elementGraphs?.get(element);
    const key = own ? `${v.key}[${element}]` : v.key;
    let t = this.tableOf.get(key);
    if (t === undefined) {
      const g = own ?? v.graph ?? { xs: [0], ys: [Number.NaN], interpolation: 'continuous' as const }; // only when tolerant
      t = this.tables.length;
      this.tables.push({ xs: Float64Array.from(g.xs), ys: Float64Array.from(g.ys), interpolation: g.interpolation });
      this.tableOf.set(key, t);
    }
    return t;
  }

  // ---- expressions ------------------------------------------------------------------------

  private expr(e: RExpr, c: Context): IExpr {
    switch (e.k) {
      case 'num':
        return num(e.v);
      case 'clock':
        if (e.which === 'time') return { k: 'time' };
        if (e.which === 'dt') return { k: 'dt' };
        return num(e.which === 'start' ? this.model.sim.start : this.model.sim.stop);
      case 'var':
        return this.ref(this.base.get(e.ref)! + this.flatIndex(e, c));
      case 'unary':
        return { k: 'un', op: e.op, a: this.expr(e.a, c) };
      case 'binary':
        return { k: 'bin', op: e.op, a: this.expr(e.a, c), b: this.expr(e.b, c) };
      case 'if':
        return { k: 'if', c: this.expr(e.c, c), a: this.expr(e.a, c), b: this.expr(e.b, c) };
      case 'lookup':
        return { k: 'lookup', table: this.table(e.graph, e.index ? this.specsToFlat(e.graph, e.index, c) : 0), x: this.expr(e.x, c) };
      case 'reduce':
        return this.reduce(e, c);
      case 'position':
        return num(c.element[e.position]! + 1);
      case 'call':
        return this.call(e, c);
      case 'vector':
        return this.vector(e, c);
      case 'elmmap':
        return this.elementMap(e, c);
      case 'randlookup': {
        const args = e.args.map((a) => this.expr(a, c));
        const table = this.table(e.graph, e.index ? this.specsToFlat(e.graph, e.index, c) : 0);
        return { k: 'rand', dist: 'lookup', site: this.randomSites++, args: args.slice(0, 4), element: elementOf(c), table, ...(args[4] ? { seed: args[4] } : {}) };
      }
      case 'veclookup': {
        // The elements from the one named to the end of its last dimension.
        const from = this.specsToFlat(e.ref, e.index, c);
        const base = this.base.get(e.ref);
        if (base === undefined) return num(Number.NaN);
        const last = e.ref.dims[e.ref.dims.length - 1]!.elements.length;
        const count = last - (from % last);
        const ys = Array.from({ length: count }, (_, i) => this.ref(base + from + i));
        return { k: 'vec', op: 'lookup', index: 0, vectors: [ys], args: e.args.map((a) => this.expr(a, c)), site: this.vectorSiteCount++ };
      }
    }
  }

  /** The terms of an argument written with [*], one per element, row-major over its marked dimensions. */
  private expand(e: RExpr, c: Context): IExpr[] {
    const dims = wildDimensions(e);
    const total = dims.reduce((n, d) => n * d.elements.length, 1);
    return Array.from({ length: total }, (_, flat) => {
      const idx = unflatten(dims, flat);
      const wild = new Map(c.wild);
      dims.forEach((d, i) => wild.set(d, idx[i]!));
      return this.expr(e, { ...c, wild });
    });
  }

  private vector(e: Extract<RExpr, { k: 'vector' }>, c: Context): IExpr {
    const shape = wildDimensions(e.vectors[0]!);
    // The element of the result this equation computes: the owner's element along each result axis.
    const index = e.axes.reduce((flat, a, k) => flat * shape[k]!.elements.length + (a.map ? a.map[c.element[a.position]!]! : c.element[a.position]!), 0);
    const vectors = e.vectors.map((v) => this.expand(v, c));
    const args = e.args.map((a) => this.expr(a, c));
    // One hidden slot computes the whole result for these inputs; each element only picks from it.
    // The inputs are the same for the elements that agree on the positions the call reads.
    const reads = contextPositions(e);
    const key = `${this.callNumber(e)}:${[...reads].map((p) => c.element[p]).join(',')}:${[...c.wild.values()].join(',')}`;
    let prepared = this.preparedVectors.get(key);
    if (!prepared) {
      const site = this.vectorSiteCount++;
      const slot = this.newSlot('value', c.owner, elementOf(c), false, `${e.fn.toUpperCase().replace(/ /g, '_')} inside ${this.label(c)}`);
      const node: IExpr = { k: 'vec', op: VECTOR_OPS[e.fn], index: -1, vectors, args, site };
      this.drafts[slot]!.init = node;
      this.drafts[slot]!.deriv = node;
      this.preparedVectors.set(key, (prepared = { site, slot }));
    }
    return { k: 'vecpick', site: prepared.site, index, after: this.ref(prepared.slot) };
  }

  private callNumber(e: RExpr): number {
    let n = this.callNumbers.get(e);
    if (n === undefined) this.callNumbers.set(e, (n = this.callNumbers.size));
    return n;
  }

  /** VECTOR_ELM_MAP: a fixed element when the offset is a constant, else chosen during the run. */
  private elementMap(e: Extract<RExpr, { k: 'elmmap' }>, c: Context): IExpr {
    const from = this.specsToFlat(e.ref, e.index, c);
    const base = this.base.get(e.ref);
    if (base === undefined) return num(Number.NaN); // a graph without values (already reported)
    const offset = constantValue(e.offset, new Set(), new Set());
    if (offset !== undefined) {
      const at = from + Math.round(offset);
      // Outside the array: NaN, which stops the run if it is ever used (it may sit in a branch
      // never taken, as in Vensim's ageing chain IF stage = 1 THEN … ELSE VECTOR ELM MAP(x[stage], -1)).
      return at >= 0 && at < e.ref.size ? this.ref(base + at) : num(Number.NaN);
    }
    const all = Array.from({ length: e.ref.size }, (_, i) => this.ref(base + i));
    return { k: 'vec', op: 'elmmap', index: from, vectors: [all], args: [this.expr(e.offset, c)], site: this.vectorSiteCount++ };
  }

  private flatIndex(e: Extract<RExpr, { k: 'var' }>, c: Context): number {
    return this.specsToFlat(e.ref, e.index, c);
  }

  /** The flat element of `v` picked by index specs in the element being computed. */
  private specsToFlat(v: Variable, index: readonly IndexSpec[], c: Context): number {
    let flat = 0;
    v.dims.forEach((dim, d) => {
      const spec = index[d]!;
      const raw = spec.kind === 'fixed' ? spec.index : spec.kind === 'context' ? c.element[spec.position]! : c.wild.get(spec.dim)!;
      const i = spec.kind !== 'fixed' && spec.map ? spec.map[raw]! : raw;
      flat = flat * dim.elements.length + i;
    });
    return flat;
  }

  private reduce(e: Extract<RExpr, { k: 'reduce' }>, c: Context): IExpr {
    const dims: Dimension[] = [];
    dims.push(...wildDimensions(e.arg));
    const terms: IExpr[] = [];
    const total = dims.reduce((n, d) => n * d.elements.length, 1);
    for (let flat = 0; flat < total; flat++) {
      const idx = unflatten(dims, flat);
      const wild = new Map(c.wild);
      dims.forEach((d, i) => wild.set(d, idx[i]!));
      terms.push(this.expr(e.arg, { ...c, wild }));
    }
    switch (e.fn) {
      case 'size':
        return num(terms.length);
      case 'sum':
      case 'prod':
      case 'min':
      case 'max':
        return terms.length === 1 ? terms[0]! : { k: 'nary', op: e.fn, args: terms };
      case 'mean':
        return { k: 'bin', op: '/', a: terms.length === 1 ? terms[0]! : { k: 'nary', op: 'sum', args: terms }, b: num(terms.length) };
      case 'stddev': {
        // Population standard deviation, two-pass for accuracy; the mean gets its own slot.
        const n = num(terms.length);
        const mean = this.helper({ k: 'bin', op: '/', a: terms.length === 1 ? terms[0]! : { k: 'nary', op: 'sum', args: terms }, b: n }, c, 'STDDEV mean');
        const squares = terms.map((t): IExpr => ({ k: 'bin', op: '*', a: { k: 'bin', op: '-', a: t, b: mean }, b: { k: 'bin', op: '-', a: t, b: mean } }));
        const total: IExpr = squares.length === 1 ? squares[0]! : { k: 'nary', op: 'sum', args: squares };
        return { k: 'fn', fn: 'sqrt', args: [{ k: 'bin', op: '/', a: total, b: n }] };
      }
    }
  }

  private call(e: Extract<RExpr, { k: 'call' }>, c: Context): IExpr {
    const args = e.args;
    const arg = (i: number): IExpr => this.expr(args[i]!, c);
    const math = MATH.get(e.fn);
    if (math) return { k: 'fn', fn: math, args: args.map((_, i) => arg(i)) };
    const random = RANDOM.get(e.fn);
    if (random) {
      const params = args.slice(0, random.params).map((_, i) => arg(i));
      const seed = args.length > random.params ? arg(random.params) : undefined;
      return { k: 'rand', dist: random.dist, site: this.randomSites++, args: params, element: elementOf(c), ...(seed ? { seed } : {}) };
    }
    switch (e.fn) {
      case 'safediv':
        return { k: 'fn', fn: 'safediv', args: [arg(0), arg(1), args.length > 2 ? arg(2) : num(0)] };
      case 'step':
        return { k: 'fn', fn: 'step', args: [arg(0), arg(1)] };
      case 'pulse':
        return { k: 'fn', fn: 'pulse', args: [arg(0), arg(1), args.length > 2 ? arg(2) : num(0)] };
      case 'ramp':
        return { k: 'fn', fn: 'ramp', args: [arg(0), arg(1), args.length > 2 ? arg(2) : num(Number.POSITIVE_INFINITY)] };
      case 'init': {
        const s = this.newSlot('frozen', c.owner, elementOf(c), false, `INIT inside ${this.label(c)}`);
        this.drafts[s]!.init = arg(0);
        return this.ref(s);
      }
      case 'previous': {
        const from = this.helper(arg(0), c, 'PREVIOUS input', true) as SlotRef;
        const s = this.newSlot('previous', c.owner, elementOf(c), false, `PREVIOUS inside ${this.label(c)}`);
        this.drafts[s]!.init = args.length > 1 ? arg(1) : num(0);
        const to = this.ref(s);
        this.previous.push({ from, to });
        return to;
      }
      case 'delay':
        return this.pipelineDelay(e, c);
      case 'active initial': {
        // Its own slot: the initial value is used while initialising, the active one thereafter.
        const s = this.newSlot('value', c.owner, elementOf(c), false, `ACTIVE_INITIAL inside ${this.label(c)}`);
        this.drafts[s]!.init = arg(1);
        this.drafts[s]!.deriv = arg(0);
        return this.ref(s);
      }
      case 'delay1':
      case 'delay3':
      case 'delayn':
        return this.exponentialDelay(e, c, 'delay');
      case 'smth1':
      case 'smth3':
      case 'smthn':
        return this.exponentialDelay(e, c, 'smooth');
      case 'trend':
        return this.trend(e, c, undefined);
      case 'forcst': {
        const input = this.helper(arg(0), c, 'FORCST input');
        const trend = this.trend(e, c, input);
        return { k: 'bin', op: '*', a: input, b: { k: 'bin', op: '+', a: num(1), b: { k: 'bin', op: '*', a: trend, b: arg(2) } } };
      }
    }
    this.sink.error('unknown-function', e.span, `The function ${e.fn.toUpperCase()} cannot be simulated yet.`, c.owner.name);
    return num(Number.NaN);
  }

  private pipelineDelay(e: Extract<RExpr, { k: 'call' }>, c: Context): IExpr {
    const input = this.helper(this.expr(e.args[0]!, c), c, 'DELAY input', true) as SlotRef;
    const delayTime = this.expr(e.args[1]!, c);
    const initSlot = this.newSlot('frozen', c.owner, elementOf(c), false, `DELAY initial value inside ${this.label(c)}`);
    this.drafts[initSlot]!.init = e.args.length > 2 ? this.expr(e.args[2]!, c) : this.ref(input.i);
    const out = this.newSlot('value', c.owner, elementOf(c), false, `DELAY inside ${this.label(c)}`);
    this.drafts[out]!.init = this.ref(initSlot);
    this.drafts[out]!.deriv = { k: 'delay', site: this.delays.length, delay: delayTime, init: this.ref(initSlot) };
    this.delays.push({ input });
    return this.ref(out);
  }

  /**
   * DELAY1/3/N as a chain of stocks holding material (outflow = content / stage time);
   * SMTH1/3/N as a chain of stocks each adjusting toward the one before.
   */
  private exponentialDelay(e: Extract<RExpr, { k: 'call' }>, c: Context, form: 'delay' | 'smooth'): IExpr {
    const name = e.fn.toUpperCase();
    const order = e.fn.endsWith('1') ? 1 : e.fn.endsWith('3') ? 3 : this.order(e.args[2]!, c, name);
    const initArg = e.fn.endsWith('n') ? 3 : 2;
    const input = this.helper(this.expr(e.args[0]!, c), c, `${name} input`);
    const time = this.helper(this.expr(e.args[1]!, c), c, `${name} time`);
    const stageTime: IExpr = order === 1 ? time : this.helper({ k: 'bin', op: '/', a: time, b: num(order) }, c, `${name} stage time`);
    this.warnIfShorterThanDt(e.args[1]!, order, c, name);
    const initial = e.args.length > initArg ? this.helper(this.expr(e.args[initArg]!, c), c, `${name} initial value`) : input;
    let previousStage: IExpr = input;
    let last = -1;
    for (let i = 0; i < order; i++) {
      const s = this.newSlot('state', c.owner, elementOf(c), false, `${name} stage ${i + 1} inside ${this.label(c)}`);
      const draft = this.drafts[s]!;
      if (form === 'delay') {
        draft.init = { k: 'bin', op: '*', a: initial, b: stageTime };
        const outflow: IExpr = { k: 'bin', op: '/', a: this.ref(s), b: stageTime };
        draft.derivative = { k: 'bin', op: '-', a: previousStage, b: outflow };
        previousStage = { k: 'bin', op: '/', a: this.ref(s), b: stageTime };
      } else {
        draft.init = initial;
        draft.derivative = { k: 'bin', op: '/', a: { k: 'bin', op: '-', a: previousStage, b: this.ref(s) }, b: stageTime };
        previousStage = this.ref(s);
      }
      last = s;
    }
    return form === 'delay' ? { k: 'bin', op: '/', a: this.ref(last), b: stageTime } : this.ref(last);
  }

  /** TREND = (input − average) / (|average| · time), the average a first-order smooth of the input. */
  private trend(e: Extract<RExpr, { k: 'call' }>, c: Context, knownInput: IExpr | undefined): IExpr {
    const name = e.fn.toUpperCase();
    const input = knownInput ?? this.helper(this.expr(e.args[0]!, c), c, `${name} input`);
    const time = this.helper(this.expr(e.args[1]!, c), c, `${name} averaging time`);
    const initArg = e.fn === 'trend' ? 2 : 3;
    const initialTrend = e.args.length > initArg ? this.expr(e.args[initArg]!, c) : num(0);
    const s = this.newSlot('state', c.owner, elementOf(c), false, `${name} average inside ${this.label(c)}`);
    const average = this.ref(s);
    this.drafts[s]!.init = { k: 'bin', op: '/', a: input, b: { k: 'bin', op: '+', a: num(1), b: { k: 'bin', op: '*', a: initialTrend, b: time } } };
    this.drafts[s]!.derivative = { k: 'bin', op: '/', a: { k: 'bin', op: '-', a: input, b: average }, b: time };
    const out = this.helper(
      { k: 'fn', fn: 'safediv', args: [{ k: 'bin', op: '-', a: input, b: this.ref(s) }, { k: 'bin', op: '*', a: time, b: { k: 'fn', fn: 'abs', args: [this.ref(s)] } }, num(0)] },
      c,
      `${name} output`,
    );
    return out;
  }

  /**
   * A stage shorter than DT empties more than its content each step: the output overshoots and
   * oscillates (with Euler, as in every SD tool). Worth a warning when the time is a known constant.
   */
  private warnIfShorterThanDt(timeArg: RExpr, order: number, c: Context, name: string): void {
    const time = constantValue(timeArg, new Set(), new Set());
    const dt = this.model.sim.dt;
    if (time === undefined || !(time / order < dt) || elementOf(c) !== 0) return;
    const short = (x: number): number => Number(x.toPrecision(4));
    const stage = order === 1 ? `time (${time})` : `stage time (${time} / ${order} = ${short(time / order)})`;
    this.sink.warning('sim-spec', timeArg.span, `The ${name} ${stage} is shorter than the time step DT (${dt}), so its output will overshoot and oscillate. Use a smaller DT (at most ${short(time / order)}).`, c.owner.name);
  }

  /** The order of DELAYN/SMTHN fixes how many stocks exist, so it must be known before the run. */
  private order(e: RExpr, c: Context, name: string): number {
    const used = new Set<Variable>();
    let v = constantValue(e, new Set(), used);
    if (v === undefined) {
      // An order that changes during the run (as Vensim allows): its value at the start is used.
      const atStart = constantValue(e, new Set(), used, { time: this.model.sim.start, stop: this.model.sim.stop });
      if (atStart !== undefined && Number.isInteger(atStart) && atStart >= 1 && atStart <= MAX_ORDER) {
        this.sink.warning('not-constant', e.span, `The order of ${name} changes during the run; the stages are fixed, so its value at the start (${atStart}) is used throughout.`, c.owner.name);
        v = atStart;
      }
    }
    for (const u of used) this.structural.add(this.variableNumber.get(u)!);
    if (v === undefined || !Number.isInteger(v) || v < 1 || v > MAX_ORDER) {
      this.sink.error('not-constant', e.span, `The order of ${name} must be a fixed whole number from 1 to ${MAX_ORDER} (a number or a constant), because it sets how many stages the delay has.`, c.owner.name);
      return 1;
    }
    return v;
  }

  // ---- layout -----------------------------------------------------------------------------

  private layout(): ModelIR | undefined {
    const ordered = orderModel(this.drafts, this.model, this.sink);
    if (!ordered) return undefined;
    const { newIndex, initOrder, derivOrder, constant, nState, nDynamic } = ordered;
    for (const r of this.refs) r.i = newIndex[r.i]!;
    const slots = new Array<SlotInfo>(this.drafts.length);
    this.drafts.forEach((d, old) => (slots[newIndex[old]!] = d.info));
    const overridable = (old: number): boolean => {
      const info = this.drafts[old]!.info;
      return info.visible && (info.role === 'stock' || constant[old] === true || this.belts.levels.has(old));
    };
    const initProgram: Assignment[] = initOrder.map((old) => ({ slot: newIndex[old]!, expr: this.drafts[old]!.init!, overridable: overridable(old) }));
    const derivProgram: Assignment[] = derivOrder.map((old) => ({ slot: newIndex[old]!, expr: this.drafts[old]!.deriv!, overridable: false }));
    const derivatives = new Array<IExpr>(nState);
    this.drafts.forEach((d, old) => {
      if (d.derivative) derivatives[newIndex[old]!] = d.derivative;
    });
    // The optional fields set one by one, not spread from conditional objects: this runs for every variable.
    const variables: VariableLayout[] = this.model.variables.map((v) => {
      const base = this.base.get(v);
      const slotsOf: number[] = [];
      let allConstant = true;
      if (base !== undefined) {
        for (let e = 0; e < v.size; e++) {
          slotsOf.push(newIndex[base + e]!);
          if (constant[base + e] !== true) allConstant = false;
        }
      }
      const layout: { -readonly [K in keyof VariableLayout]: VariableLayout[K] } = {
        name: v.name,
        kind: v.kind,
        dims: v.dims.map((d) => ({ name: d.name, elements: d.elements })),
        slots: slotsOf,
        constant: base !== undefined && v.kind !== 'stock' && allConstant,
      };
      if (v.units) layout.units = v.unitsText ?? formatUnits(v.units);
      if (v.doc !== undefined) layout.doc = v.doc;
      return layout;
    });
    const nonNegative: number[] = [];
    for (const v of this.model.variables) {
      if (v.kind !== 'stock' || !v.nonNegative || isBelt(v)) continue;
      const base = this.base.get(v)!;
      for (let e = 0; e < v.size; e++) nonNegative.push(newIndex[base + e]!);
    }
    return {
      sim: this.model.sim,
      slots,
      nState,
      nDynamic,
      initProgram,
      derivProgram,
      derivatives,
      nonNegative,
      previous: this.previous.map((p) => ({ from: p.from.i, to: p.to.i })),
      delays: this.delays.map((d) => ({ input: d.input.i })),
      belts: this.belts.shapes,
      tables: this.tables,
      randomSites: this.randomSites,
      vectorSites: this.vectorSiteCount,
      variables,
      variableIndex: new Map(this.model.variables.map((v, n) => [v.key, n])),
      structural: this.structural,
      ...(this.model.sim.stopAt ? { stopAt: newIndex[this.base.get(this.model.byKey.get(this.model.sim.stopAt)!)!]! } : {}),
    };
  }
}

function hasSlots(v: Variable): boolean {
  return v.kind !== 'graph' || v.equations !== undefined;
}

function num(v: number): IExpr {
  return { k: 'num', v };
}

function elementOf(c: Context): number {
  let flat = 0;
  c.owner.dims.forEach((d, i) => (flat = flat * d.elements.length + c.element[i]!));
  return flat;
}

/** The positions of the owner's element that an expression depends on (through subscripts following it, or a dimension used as a value). */
function contextPositions(e: RExpr, out: Set<number> = new Set()): Set<number> {
  const specs = (index: readonly IndexSpec[] | undefined): void => index?.forEach((s) => s.kind === 'context' && out.add(s.position));
  const all = (xs: readonly RExpr[]): void => xs.forEach((x) => contextPositions(x, out));
  switch (e.k) {
    case 'var':
      specs(e.index);
      break;
    case 'position':
      out.add(e.position);
      break;
    case 'unary':
      all([e.a]);
      break;
    case 'binary':
      all([e.a, e.b]);
      break;
    case 'if':
      all([e.c, e.a, e.b]);
      break;
    case 'call':
      all(e.args);
      break;
    case 'lookup':
      specs(e.index);
      all([e.x]);
      break;
    case 'reduce':
      all([e.arg]);
      break;
    case 'vector':
      all([...e.vectors, ...e.args]);
      break;
    case 'elmmap':
      specs(e.index);
      all([e.offset]);
      break;
    case 'veclookup':
    case 'randlookup':
      specs(e.index);
      all(e.args);
      break;
    case 'num':
    case 'clock':
      break;
  }
  return out;
}

/** Value of an expression made only of numbers and scalar constants, else undefined. */
function constantValue(e: RExpr, seen: Set<Variable>, used: Set<Variable>, atStart?: { time: number; stop: number }): number | undefined {
  const go = (x: RExpr): number | undefined => constantValue(x, seen, used, atStart);
  switch (e.k) {
    case 'clock':
      // Only when asked for the value at the start of the run.
      if (!atStart) return undefined;
      return e.which === 'time' || e.which === 'start' ? atStart.time : e.which === 'stop' ? atStart.stop : undefined;
    case 'call': {
      if (!atStart || e.fn !== 'step') return undefined;
      const [h, t0] = e.args.map(go);
      return h === undefined || t0 === undefined ? undefined : atStart.time >= t0 ? h : 0;
    }
    case 'num':
      return e.v;
    case 'unary': {
      const a = go(e.a);
      return a === undefined ? undefined : e.op === '-' ? -a : a === 0 ? 1 : 0;
    }
    case 'binary': {
      const a = go(e.a);
      const b = go(e.b);
      if (a === undefined || b === undefined) return undefined;
      switch (e.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return a / b;
        case '^': return a ** b;
        default: return undefined;
      }
    }
    case 'var': {
      const v = e.ref;
      if (v.dims.length > 0 || seen.has(v) || v.kind === 'stock' || !v.equations?.all) return undefined;
      seen.add(v);
      used.add(v);
      const value = go(v.equations.all);
      seen.delete(v);
      return value;
    }
    default:
      return undefined;
  }
}

export type { Draft };
