import type { SourceSpan } from '../diagnostics.js';

/** Parsed but not yet checked model text. Names are kept as written; `key` is the lookup form. */

export interface NameRef {
  readonly key: string;
  readonly text: string;
  readonly span: SourceSpan;
}

/**
 * One item between subscript brackets, kept as source text because element names such as
 * `65-69` or `90+` only mean something once the dimensions are known.
 */
export interface SubscriptItem {
  readonly text: string;
  readonly span: SourceSpan;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '^' | 'mod' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

export type Expr =
  | { readonly kind: 'number'; readonly value: number; readonly span: SourceSpan }
  | { readonly kind: 'ref'; readonly name: NameRef; readonly subscripts?: readonly SubscriptItem[]; readonly span: SourceSpan }
  | { readonly kind: 'call'; readonly name: NameRef; readonly args: readonly Expr[]; readonly span: SourceSpan }
  | { readonly kind: 'unary'; readonly op: '-' | '+' | 'not'; readonly arg: Expr; readonly span: SourceSpan }
  /** `opSpan`: where the operator is written (for messages about the operation itself). */
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly span: SourceSpan; readonly opSpan?: SourceSpan }
  | { readonly kind: 'if'; readonly cond: Expr; readonly then: Expr; readonly else: Expr; readonly span: SourceSpan };

export type VarKind = 'stock' | 'flow' | 'aux' | 'const' | 'graph';

export type Interpolation = 'continuous' | 'extrapolate' | 'discrete';

export interface GraphSpec {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly interpolation: Interpolation;
  readonly span: SourceSpan;
}

export interface ElementEquation {
  readonly subscripts: readonly SubscriptItem[];
  readonly equation: Expr;
  readonly span: SourceSpan;
}

/** `[element] points: …` under an arrayed graph: that element's own table. */
export interface ElementGraph {
  readonly subscripts: readonly SubscriptItem[];
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  /** The graph's interpolation (the same for every element). */
  readonly interpolation: Interpolation;
  readonly span: SourceSpan;
}

export interface VarDecl {
  readonly kind: VarKind;
  readonly name: NameRef;
  readonly dims: readonly NameRef[];
  readonly units?: { readonly text: string; readonly span: SourceSpan };
  /** `= expr`: the equation (stocks: the initial value; graphs: the input). */
  readonly equation?: Expr;
  /** `= 1, 2, 3` (rows separated by `;`): one value per element, in element order. */
  readonly valueList?: { readonly rows: readonly (readonly Expr[])[]; readonly span: SourceSpan };
  readonly elementEquations: readonly ElementEquation[];
  readonly inflows: readonly NameRef[];
  readonly outflows: readonly NameRef[];
  readonly nonNegative: boolean;
  readonly doc?: string;
  readonly graph?: GraphSpec;
  /** Arrayed graphs: tables of single elements (the others use `graph`). */
  readonly elementGraphs?: readonly ElementGraph[];
  /** Graphs: points read from a project data table (`data: "Population projections"`). */
  readonly data?: DataBinding;
  /** A commissioning indicator: a target, which way is better, and how near counts as amber. */
  readonly indicator?: IndicatorDecl;
  /** Stocks: a conveyor (people stay the transit time, then leave by its outflow). */
  readonly conveyor?: ConveyorDecl;
  /** Stocks: a queue (first in, first out; its outflows take from the head). */
  readonly queue?: { readonly span: SourceSpan };
  /** Flows: a leakage out of a conveyor (such as deaths during the stay), computed by the conveyor. */
  readonly leak?: LeakDecl;
  /** Flows: an overflow out of a queue, taking what its other outflows cannot. */
  readonly overflow?: { readonly span: SourceSpan };
  /** Part of the declaration could not be read (already reported): report nothing that follows from it. */
  readonly broken?: boolean;
  readonly span: SourceSpan;
}

/** The properties of a conveyor stock (`conveyor`, `transit time:`, …; see docs/language.md). */
export interface ConveyorDecl {
  /** How long material stays on the belt (required; the checker says so when it is missing). */
  readonly transitTime?: Expr;
  /** The most the conveyor holds at any time (default: no limit). */
  readonly capacity?: Expr;
  /** The most that may enter per time unit, all inflows together (default: no limit). */
  readonly inflowLimit?: Expr;
  /** While nonzero the conveyor stops: nothing enters, moves, leaks or leaves. */
  readonly arrest?: Expr;
  /** The transit time of new entries is read again only at steps where this is nonzero (default: every step). */
  readonly sample?: Expr;
  /** The `conveyor` line. */
  readonly span: SourceSpan;
}

/**
 * A conveyor's leakage flow. `fraction`: linear, `value` is the fraction of what enters that leaks
 * over the whole stay (XMILE's leak fraction). `rate`: exponential, `value` is the fraction of what
 * is on the belt that leaks per time unit (XMILE's exponential_leak). Either may be confined to a
 * zone of the belt, as fractions of its length from the entry (default 0 to 1).
 */
export interface LeakDecl {
  readonly kind: 'fraction' | 'rate';
  readonly value: Expr;
  readonly zone?: { readonly start: number; readonly end: number; readonly span: SourceSpan };
  readonly span: SourceSpan;
}

export interface TextValue {
  readonly text: string;
  readonly span: SourceSpan;
}

/**
 * A graph whose points come from a data table: x from its time column (`data x:`, default a column
 * called year or time), y from the column named like each element (or `data y:`), over the rows
 * that match `data where:` (and, for each dimension whose elements are values of a column, that
 * column). Resolved into points before checking (`engine/src/data/bind.ts`).
 */
export interface DataBinding {
  readonly table: TextValue;
  readonly x?: TextValue;
  readonly y?: TextValue;
  readonly where: readonly { readonly column: TextValue; readonly value: TextValue }[];
  /** Between and beyond the table's years (continuous by default: linear, flat beyond). */
  readonly interpolation?: Interpolation;
  readonly span: SourceSpan;
}

export interface IndicatorDecl {
  /** `target: 550` (a constant expression). */
  readonly target?: Expr;
  /** `better: lower` or `better: higher`. */
  readonly better?: { readonly value: string; readonly span: SourceSpan };
  /** `amber: 10%`: within this fraction of the target (on the wrong side) counts as amber. */
  readonly amber?: Expr;
  readonly span: SourceSpan;
}

export interface DimensionDecl {
  readonly name: NameRef;
  readonly elements: readonly NameRef[];
  /** `-> Other`: dimensions whose elements correspond to these one for one, in order. */
  readonly mapsTo?: readonly NameRef[];
  /** `-> (Other: b3, b1, b2)`: for a dimension of mapsTo (by key), the element there each of this one's elements maps to. */
  readonly mapLists?: readonly { readonly to: string; readonly elements: readonly NameRef[] }[];
  readonly doc?: string;
  readonly span: SourceSpan;
}

export type Method = 'euler' | 'rk2' | 'rk4';

export interface SimSpecDecl {
  readonly start?: Expr;
  readonly stop?: Expr;
  readonly dt?: Expr;
  readonly saveEvery?: Expr;
  /** `stop at: name`: the run ends as soon as TIME reaches this variable's value (at most `stop`). */
  readonly stopAt?: NameRef;
  readonly method?: { readonly value: string; readonly span: SourceSpan };
  readonly timeUnit?: { readonly value: string; readonly span: SourceSpan };
  readonly seed?: Expr;
  readonly span: SourceSpan;
}

/** Where a variable sits on the stock-flow diagram (kept from imported files, written on export). */
export interface DiagramItem {
  readonly kind: 'stock' | 'flow' | 'aux' | 'module';
  readonly name: string;
  readonly x: number;
  readonly y: number;
  /** A flow's pipe, from its source to its sink. */
  readonly points?: readonly { readonly x: number; readonly y: number }[];
}

export interface ModelAst {
  readonly file: string;
  readonly diagram?: readonly DiagramItem[];
  readonly title?: string;
  readonly doc?: string;
  readonly sim?: SimSpecDecl;
  readonly dimensions: readonly DimensionDecl[];
  readonly variables: readonly VarDecl[];
}
