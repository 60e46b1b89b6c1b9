import type { SourceSpan } from '../diagnostics.js';
import type { Interpolation, Method, VarKind } from '../language/ast.js';
import type { Unit } from './units.js';

/** The checked model: every name resolved, every subscript matched to an element. */

export interface Dimension {
  readonly key: string;
  readonly name: string;
  readonly elements: readonly string[];
  /** element key → position */
  readonly elementIndex: ReadonlyMap<string, number>;
  /**
   * Dimensions this one maps to (either way round), by key: for each of this dimension's elements,
   * the position of the corresponding element there (in order, or as an explicit list gives it).
   */
  readonly mappedTo: Map<string, readonly number[]>;
  readonly doc?: string;
  readonly span: SourceSpan;
}

/** How one subscript position of a reference picks its element. */
export type IndexSpec =
  /** A named element (or a number), the same for every element of the equation. */
  | { readonly kind: 'fixed'; readonly index: number }
  /** Follows the element being computed: position in the equation's own dimensions. */
  | { readonly kind: 'context'; readonly position: number; readonly map?: readonly number[] }
  /** `*`: every element (only inside SUM, MEAN, …). */
  | { readonly kind: 'wild'; readonly dim: Dimension; readonly map?: readonly number[] };
// `map` (subranges): element index in the subrange → element index in this position's dimension.

export type UnaryOp = '-' | 'not';
export type BinOp = '+' | '-' | '*' | '/' | '^' | 'mod' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'and' | 'or';
export type TimeConstant = 'time' | 'dt' | 'start' | 'stop';
export type ReduceFn = 'sum' | 'mean' | 'min' | 'max' | 'prod' | 'stddev' | 'size';

export type RExpr =
  | { readonly k: 'num'; readonly v: number; readonly span: SourceSpan }
  | { readonly k: 'clock'; readonly which: TimeConstant; readonly span: SourceSpan }
  | { readonly k: 'var'; readonly ref: Variable; readonly index: readonly IndexSpec[]; readonly span: SourceSpan }
  | { readonly k: 'unary'; readonly op: UnaryOp; readonly a: RExpr; readonly span: SourceSpan }
  | { readonly k: 'binary'; readonly op: BinOp; readonly a: RExpr; readonly b: RExpr; readonly span: SourceSpan; readonly opSpan?: SourceSpan }
  | { readonly k: 'if'; readonly c: RExpr; readonly a: RExpr; readonly b: RExpr; readonly span: SourceSpan }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly RExpr[]; readonly span: SourceSpan }
  /** `index`: which element's table of an arrayed graph (`LOOKUP(g[85+], x)`). */
  | { readonly k: 'lookup'; readonly graph: Variable; readonly x: RExpr; readonly span: SourceSpan; readonly index?: readonly IndexSpec[] }
  | { readonly k: 'reduce'; readonly fn: ReduceFn; readonly arg: RExpr; readonly span: SourceSpan }
  /** A dimension used as a value (Vensim): the 1-based position of the element being computed. */
  | { readonly k: 'position'; readonly position: number; readonly span: SourceSpan }
  /**
   * A vector function (VECTOR_RANK, ALLOCATE_BY_PRIORITY, INVERT_MATRIX, …): `vectors` are the
   * arguments written with [*], `args` the others. `axes`: for each dimension of the result, the
   * position in the owner's dimensions that picks the element computed (and, through a mapping,
   * which element of the result each of that dimension's elements stands for).
   */
  | { readonly k: 'vector'; readonly fn: VectorFn; readonly vectors: readonly RExpr[]; readonly args: readonly RExpr[]; readonly axes: readonly { readonly position: number; readonly map?: readonly number[] }[]; readonly span: SourceSpan }
  /** VECTOR_ELM_MAP(ref[element], offset): the element `offset` positions (flat, row-major) after the one referenced. */
  | { readonly k: 'elmmap'; readonly ref: Variable; readonly index: readonly IndexSpec[]; readonly offset: RExpr; readonly span: SourceSpan }
  /** RANDOM_LOOKUP(graph, min, max, shift, stretch [, seed]): a draw with the graph's table as its density. */
  | { readonly k: 'randlookup'; readonly graph: Variable; readonly index?: readonly IndexSpec[]; readonly args: readonly RExpr[]; readonly span: SourceSpan }
  /** VECTOR_LOOKUP(ref[first], x, xmin, xmax, mode): the elements from `first` along the last dimension as y values of a lookup. */
  | { readonly k: 'veclookup'; readonly ref: Variable; readonly index: readonly IndexSpec[]; readonly args: readonly RExpr[]; readonly span: SourceSpan };

export type VectorFn = 'vector sort order' | 'vector rank' | 'vector reorder' | 'vector select' | 'allocate by priority' | 'invert matrix';

export interface GraphTable {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly interpolation: Interpolation;
}

export interface Equations {
  /** Applies to every element not listed in `elements` (or to the only element of a scalar). */
  readonly all?: RExpr;
  /** Per-element equations by flat element index (row-major over the dimensions). */
  readonly elements: ReadonlyMap<number, RExpr>;
}

export interface Variable {
  readonly key: string;
  readonly name: string;
  readonly kind: VarKind;
  readonly dims: readonly Dimension[];
  readonly size: number;
  readonly units?: Unit;
  readonly unitsText?: string;
  readonly unitsSpan?: SourceSpan;
  readonly doc?: string;
  readonly nonNegative: boolean;
  readonly inflows: readonly Variable[];
  readonly outflows: readonly Variable[];
  /** Stocks: initial value. Graphs: the input (absent for a table used only as NAME(x)). */
  readonly equations?: Equations;
  readonly graph?: GraphTable;
  /** Arrayed graphs: tables of single elements by flat index (the others use `graph`). */
  readonly elementGraphs?: ReadonlyMap<number, GraphTable>;
  /** Stocks: a conveyor (see ConveyorInfo). */
  readonly conveyor?: ConveyorInfo;
  /** Stocks: a queue, first in first out. */
  readonly queue?: boolean;
  /** Flows: a leakage out of a conveyor, computed by it. */
  readonly leak?: LeakInfo;
  /** Flows: an overflow out of a queue, taking what the queue's earlier outflows cannot. */
  readonly overflow?: boolean;
  readonly span: SourceSpan;
  readonly nameSpan: SourceSpan;
}

/** A conveyor's properties, apply-to-all over the stock's dimensions. */
export interface ConveyorInfo {
  readonly transitTime: RExpr;
  readonly capacity?: RExpr;
  readonly inflowLimit?: RExpr;
  readonly arrest?: RExpr;
  readonly sample?: RExpr;
  /** Its outflow at the end of the belt (the one that is not a leak). */
  readonly exit: Variable;
  /** Its leakage outflows, in the order listed (the first has priority). */
  readonly leaks: readonly Variable[];
  readonly span: SourceSpan;
}

/** A leakage flow: linear (`fraction` of what enters, over the stay) or exponential (`rate` per time unit), within a zone of the belt. */
export interface LeakInfo {
  readonly kind: 'fraction' | 'rate';
  readonly value: RExpr;
  /** The zone, as fractions of the belt's length from its entry (0 ≤ start < end ≤ 1). */
  readonly start: number;
  readonly end: number;
}

export interface SimSpec {
  readonly start: number;
  readonly stop: number;
  readonly dt: number;
  readonly saveEvery: number;
  /** Key of a scalar variable: the run ends once TIME reaches its value. */
  readonly stopAt?: string;
  readonly method: Method;
  readonly timeUnit?: string;
  readonly seed: number;
}

export interface CheckedModel {
  readonly file: string;
  readonly title?: string;
  readonly doc?: string;
  readonly sim: SimSpec;
  readonly dimensions: readonly Dimension[];
  readonly variables: readonly Variable[];
  readonly byKey: ReadonlyMap<string, Variable>;
}

/** `name[e1,e2]` for an element given its flat index. */
export function elementLabel(v: Variable, flat: number): string {
  if (v.dims.length === 0) return v.name;
  return `${v.name}[${elementNames(v.dims, flat).join(',')}]`;
}

export function elementNames(dims: readonly Dimension[], flat: number): string[] {
  const idx = unflatten(dims, flat);
  return idx.map((i, d) => dims[d]!.elements[i]!);
}

export function unflatten(dims: readonly Dimension[], flat: number): number[] {
  const out = new Array<number>(dims.length);
  for (let d = dims.length - 1; d >= 0; d--) {
    const n = dims[d]!.elements.length;
    out[d] = flat % n;
    flat = Math.floor(flat / n);
  }
  return out;
}

export function flatten(dims: readonly Dimension[], idx: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < dims.length; d++) flat = flat * dims[d]!.elements.length + idx[d]!;
  return flat;
}

/** The dimensions an expression's [*] subscripts range over, in order of appearance (nested reductions bind their own). */
export function wildDimensions(e: RExpr, out: Dimension[] = []): Dimension[] {
  switch (e.k) {
    case 'var':
      for (const s of e.index) if (s.kind === 'wild' && !out.includes(s.dim)) out.push(s.dim);
      break;
    case 'unary':
      wildDimensions(e.a, out);
      break;
    case 'binary':
      wildDimensions(e.a, out);
      wildDimensions(e.b, out);
      break;
    case 'if':
      wildDimensions(e.c, out);
      wildDimensions(e.a, out);
      wildDimensions(e.b, out);
      break;
    case 'call':
      for (const a of e.args) wildDimensions(a, out);
      break;
    case 'lookup':
      wildDimensions(e.x, out);
      break;
    case 'elmmap':
      wildDimensions(e.offset, out);
      break;
    case 'veclookup':
      for (const a of e.args) wildDimensions(a, out);
      break;
    default:
      break; // numbers, clocks, and nested reductions and vector functions (which bind their own [*])
  }
  return out;
}
