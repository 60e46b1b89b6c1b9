import type { Interpolation, VarKind } from '../language/ast.js';
import type { BinOp, SimSpec } from '../check/model.js';
import type { BeltShape } from '../runtime/belts.js';

/**
 * The intermediate representation: the model scalarised into numbered slots of one Float64Array.
 * Every array element, every hidden stock of a delay or smooth and every helper value has a slot;
 * equations are expression trees over slot numbers. Both the code generator and the reference
 * interpreter execute exactly this, so they can be compared on any model.
 */

export type MathFn =
  | 'abs' | 'exp' | 'ln' | 'log10' | 'sqrt' | 'sin' | 'cos' | 'tan' | 'arcsin' | 'arccos' | 'arctan' | 'sinh' | 'cosh' | 'tanh'
  | 'int' | 'round' | 'mod' | 'min' | 'max' | 'safediv' | 'step' | 'pulse' | 'ramp';

/** Functions of whole vectors (see runtime/vector.ts). */
export type VectorOp = 'sortorder' | 'rank' | 'reorder' | 'select' | 'elmmap' | 'lookup' | 'allocate' | 'invert';

/** Steps of a conveyor's or queue's move (runtime/conveyor.ts, runtime/queue.ts), in the order they run within a time step. */
export type BeltOp =
  | 'conveyor-init' | 'conveyor-step' | 'conveyor-level' | 'conveyor-leak' | 'conveyor-out' | 'conveyor-room' | 'conveyor-admit'
  | 'queue-init' | 'queue-level' | 'queue-take' | 'queue-overflow' | 'queue-add';

export type RandomDist = 'uniform' | 'normal' | 'lognormal' | 'exprnd' | 'poisson' | 'truncnormal' | 'truncexp' | 'truncpoisson' | 'trunclognormal' | 'triangular' | 'gamma' | 'beta' | 'weibull' | 'binomial' | 'negbinomial' | 'lookup';

export type IExpr =
  | { readonly k: 'num'; readonly v: number }
  /** Mutable so the layout pass can renumber slots in place. */
  | { readonly k: 'slot'; i: number }
  | { readonly k: 'time' }
  | { readonly k: 'dt' }
  | { readonly k: 'un'; readonly op: '-' | 'not'; readonly a: IExpr }
  | { readonly k: 'bin'; readonly op: BinOp; readonly a: IExpr; readonly b: IExpr }
  | { readonly k: 'if'; readonly c: IExpr; readonly a: IExpr; readonly b: IExpr }
  | { readonly k: 'fn'; readonly fn: MathFn; readonly args: readonly IExpr[] }
  | { readonly k: 'nary'; readonly op: 'sum' | 'prod' | 'min' | 'max'; readonly args: readonly IExpr[] }
  | { readonly k: 'lookup'; readonly table: number; readonly x: IExpr }
  /**
   * Element `index` of the result of a vector function of whole vectors and numbers, computed
   * whole and remembered in the cache of `site` (recomputed when an input changes). Index −1:
   * only compute it (a hidden slot whose value is 0), for 'vecpick' to read.
   */
  | { readonly k: 'vec'; readonly op: VectorOp; readonly index: number; readonly vectors: readonly (readonly IExpr[])[]; readonly args: readonly IExpr[]; readonly site: number }
  /** Element `index` of the result the hidden slot `after` (a 'vec' with index −1) computed into its site's cache. */
  | { readonly k: 'vecpick'; readonly site: number; readonly index: number; readonly after: { readonly k: 'slot'; i: number } }
  /** One uniform draw per time step per site, transformed to the distribution. */
  | { readonly k: 'rand'; readonly dist: RandomDist; readonly site: number; readonly args: readonly IExpr[]; readonly seed?: IExpr; readonly element: number; readonly table?: number }
  /** Output of a DELAY pipeline: the recorded input `delay` time units ago, or the init slot before that. */
  | { readonly k: 'delay'; readonly site: number; readonly delay: IExpr; readonly init: { readonly k: 'slot'; i: number } }
  /**
   * A step of the conveyor or queue `site` (its `index`-th leakage, inflow or outflow where that
   * matters) with the numbers `args`; `after` are slots it must follow (it reads their effect on the
   * conveyor or queue, not their values).
   */
  | { readonly k: 'belt'; readonly op: BeltOp; readonly site: number; readonly index: number; readonly args: readonly IExpr[]; readonly after: readonly { readonly k: 'slot'; i: number }[] };

export type SlotRole =
  /** A user stock element: integrated state. */
  | 'stock'
  /** A hidden stock inside DELAY1/3/N, SMTH1/3/N, TREND or FORCST: integrated state. */
  | 'state'
  /** A computed value (user aux, flow, graph, const, or a hidden helper). */
  | 'value'
  /** Frozen after initialisation: INIT(x), the initial output of DELAY. */
  | 'frozen'
  /** PREVIOUS(x): updated only between time steps. */
  | 'previous';

export interface SlotInfo {
  readonly role: SlotRole;
  /** Index of the owning user variable in `ModelIR.variables`. */
  readonly owner: number;
  /** Flat element index within the owner (0 for scalars). */
  readonly element: number;
  /** True for slots the user sees as a variable element; false for hidden helpers. */
  readonly visible: boolean;
  /** What this slot is, for messages: `"x"`, `"x[85+]"`, `SMTH1 inside "x"`. */
  readonly label: string;
}

export interface Assignment {
  readonly slot: number;
  readonly expr: IExpr;
  /** A parameter the user may override per run (constants and stock initial values). */
  readonly overridable: boolean;
}

export interface LookupTable {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly interpolation: Interpolation;
}

export interface VariableLayout {
  readonly name: string;
  readonly kind: VarKind;
  readonly dims: readonly { readonly name: string; readonly elements: readonly string[] }[];
  /** Slot of each element, row-major; empty for a graph used only as a function. */
  readonly slots: readonly number[];
  readonly units?: string;
  readonly doc?: string;
  /** Computed once at the start: its value never changes during a run. */
  readonly constant: boolean;
}

export interface ModelIR {
  readonly sim: SimSpec;
  readonly slots: readonly SlotInfo[];
  /** Slots [0, nState) are integrated (stocks then hidden stocks). */
  readonly nState: number;
  /** Slots [0, nDynamic) change during a run (state, then values recomputed every evaluation). */
  readonly nDynamic: number;
  /** Evaluated once, in dependency order, to set every slot at the start time. */
  readonly initProgram: readonly Assignment[];
  /** Evaluated at every derivative evaluation, in dependency order. */
  readonly derivProgram: readonly Assignment[];
  /** d(slot)/dt for each state slot, indexed by slot. */
  readonly derivatives: readonly IExpr[];
  /** Stock slots that may not go below zero (clamped after every step, after outflow limiting). */
  readonly nonNegative: readonly number[];
  /** PREVIOUS: after each step, `to` takes the value `from` had at the start of the step. */
  readonly previous: readonly { readonly from: number; readonly to: number }[];
  /** DELAY pipelines: the input slot recorded at every step. */
  readonly delays: readonly { readonly input: number }[];
  /** Conveyors and queues, one per element: state kept outside the slots, moved once per time step. */
  readonly belts: readonly BeltShape[];
  readonly tables: readonly LookupTable[];
  readonly randomSites: number;
  /** Vector function calls, each with a small cache of its last results. */
  readonly vectorSites: number;
  readonly variables: readonly VariableLayout[];
  /** Name key of a variable → its index in `variables`. */
  readonly variableIndex: ReadonlyMap<string, number>;
  /** The slot of the `stop at` variable: the run ends once TIME reaches its value. */
  readonly stopAt?: number;
  /** Variables that fix the model's structure (a DELAYN/SMTHN order): they cannot be overridden per run. */
  readonly structural: ReadonlySet<number>;
}
