import type { DiagnosticSink, SourceSpan } from '../diagnostics.js';
import type { RExpr, SimSpec, Variable } from './model.js';
import { DIMENSIONLESS, divideUnits, formatUnits, isDimensionless, multiplyUnits, parseUnits, powerUnits, sameUnits, type Unit } from './units.js';

/** Units of an expression: undefined when not known (a variable without units). */
interface Typed {
  readonly u: Unit | undefined;
  /** A bare number takes whatever units its neighbour in + − comparisons has (as in Stella). */
  readonly literal: boolean;
}

const UNKNOWN: Typed = { u: undefined, literal: false };

/**
 * Dimensional analysis of every equation against declared units. Mismatches are warnings (the
 * model still runs), each placed on the part of the equation where the units stop agreeing.
 */
export function checkUnits(variables: readonly Variable[], sim: SimSpec, sink: DiagnosticSink): void {
  const time = sim.timeUnit ? parseUnits(sim.timeUnit) : undefined;
  for (const v of variables) {
    const checker = new ExprUnits(v, time, sink);
    const eqs = v.equations;
    if (eqs) {
      const each = (e: RExpr): void => {
        const got = checker.typeOf(e);
        if (v.kind === 'graph') return; // a graph's equation is its input, in x units
        if (v.units && got.u && !got.literal && !sameUnits(got.u, v.units)) {
          const what = v.kind === 'stock' ? 'initial value' : 'equation';
          sink.warning('units', e.span, `Units of "${v.name}" do not match: its ${what} gives ${formatUnits(got.u)} but it is declared as ${formatUnits(v.units)}.`, v.name);
        }
      };
      // Iterated in place (no array of them per variable): this runs for every variable.
      if (eqs.all) each(eqs.all);
      for (const e of eqs.elements.values()) each(e);
    }
    if (v.kind === 'stock' && v.units) {
      for (const f of [...v.inflows, ...v.outflows]) {
        if (!f.units) continue;
        if (time) {
          const expected = divideUnits(v.units, time);
          if (!sameUnits(f.units, expected)) {
            sink.warning('units', f.unitsSpan ?? f.nameSpan, `Flow "${f.name}" is in ${formatUnits(f.units)} but it fills or drains stock "${v.name}", so it should be in ${formatUnits(expected)}.`, f.name);
          }
        } else if (!isPerOneUnit(divideUnits(f.units, v.units))) {
          // Without a declared time unit, a flow must still be the stock's units per one unit of time.
          sink.warning('units', f.unitsSpan ?? f.nameSpan, `Flow "${f.name}" is in ${formatUnits(f.units)} but it fills or drains stock "${v.name}" (in ${formatUnits(v.units)}), so it should be in ${formatUnits(v.units)} per unit of time, such as ${formatUnits(v.units)}/year.`, f.name);
        }
      }
    }
  }
}

/** The units of one expression of `owner` (mismatches inside it reported); undefined when unknown or a bare number. */
export function unitsOfExpression(e: RExpr, owner: Variable, sim: SimSpec, sink: DiagnosticSink): Unit | undefined {
  const typed = new ExprUnits(owner, sim.timeUnit ? parseUnits(sim.timeUnit) : undefined, sink).typeOf(e);
  return typed.literal ? undefined : typed.u;
}

class ExprUnits {
  constructor(
    private readonly owner: Variable,
    private readonly time: Unit | undefined,
    private readonly sink: DiagnosticSink,
  ) {}

  private warn(span: SourceSpan, message: string): void {
    this.sink.warning('units', span, message, this.owner.name);
  }

  /** Checks that two operands agree; returns the units of the result. */
  private agree(a: Typed, b: Typed, span: SourceSpan, what: string): Typed {
    if (a.u && b.u && !a.literal && !b.literal && !sameUnits(a.u, b.u)) {
      this.warn(span, `Units do not match in ${what}: ${formatUnits(a.u)} and ${formatUnits(b.u)}.`);
    }
    if (a.literal) return b.u ? b : a;
    return a.u ? a : b.literal ? UNKNOWN : b;
  }

  private expectTime(t: Typed, span: SourceSpan, what: string): void {
    if (this.time && t.u && !t.literal && !sameUnits(t.u, this.time)) {
      this.warn(span, `The ${what} should be in ${formatUnits(this.time)} (the model's time unit), not ${formatUnits(t.u)}.`);
    }
  }

  typeOf(e: RExpr): Typed {
    switch (e.k) {
      case 'num':
        // NaN stands in for a part that could not be resolved (already reported): its units are unknown.
        return Number.isNaN(e.v) ? UNKNOWN : { u: DIMENSIONLESS, literal: true };
      case 'position':
        return { u: DIMENSIONLESS, literal: true };
      case 'clock':
        return { u: this.time, literal: false };
      case 'var':
        return { u: e.ref.units, literal: false };
      case 'unary':
        return e.op === '-' ? this.typeOf(e.a) : { u: DIMENSIONLESS, literal: false };
      case 'if': {
        this.typeOf(e.c);
        return this.agree(this.typeOf(e.a), this.typeOf(e.b), e.span, 'the two branches of IF');
      }
      case 'lookup':
        this.typeOf(e.x);
        return { u: e.graph.units, literal: false };
      case 'reduce': {
        const a = this.typeOf(e.arg);
        if (e.fn === 'size') return { u: DIMENSIONLESS, literal: false };
        if (e.fn === 'prod') return UNKNOWN;
        return a;
      }
      case 'binary':
        return this.binary(e);
      case 'call':
        return this.call(e);
      case 'vector':
        return this.vector(e);
      case 'elmmap':
        this.typeOf(e.offset);
        return { u: e.ref.units, literal: false };
      case 'randlookup': {
        const [lo = UNKNOWN, hi = UNKNOWN] = e.args.map((a) => this.typeOf(a));
        return this.agree(lo, hi, e.span, 'RANDOM_LOOKUP (its bounds)');
      }
      case 'veclookup': {
        const [x = UNKNOWN, lo = UNKNOWN, hi = UNKNOWN] = e.args.map((a) => this.typeOf(a));
        this.agree(this.agree(x, lo, e.span, 'VECTOR_LOOKUP (its input and xmin)'), hi, e.span, 'VECTOR_LOOKUP (its input and xmax)');
        return { u: e.ref.units, literal: false };
      }
    }
  }

  private vector(e: Extract<RExpr, { k: 'vector' }>): Typed {
    const [v0 = UNKNOWN, v1 = UNKNOWN] = e.vectors.map((x) => this.typeOf(x));
    const args = e.args.map((x) => this.typeOf(x));
    switch (e.fn) {
      case 'vector sort order':
      case 'vector rank':
        return { u: DIMENSIONLESS, literal: false };
      case 'vector reorder':
        return v0;
      case 'vector select':
        return this.agree(v1, args[0] ?? UNKNOWN, e.span, 'VECTOR_SELECT (its values and the value for none selected)');
      case 'allocate by priority':
        return this.agree(v0, args[1] ?? UNKNOWN, e.span, 'ALLOCATE_BY_PRIORITY (its requests and the supply)');
      case 'invert matrix':
        return v0.u ? { u: powerUnits(v0.u, -1), literal: false } : UNKNOWN;
    }
  }

  private binary(e: Extract<RExpr, { k: 'binary' }>): Typed {
    const a = this.typeOf(e.a);
    const b = this.typeOf(e.b);
    switch (e.op) {
      case '+':
      case '-':
        return this.agree(a, b, e.opSpan ?? e.span, `"${e.op}"`);
      case '*':
      case '/': {
        if (!a.u || !b.u) return UNKNOWN;
        return { u: e.op === '*' ? multiplyUnits(a.u, b.u) : divideUnits(a.u, b.u), literal: a.literal && b.literal };
      }
      case '^': {
        if (!a.u) return UNKNOWN;
        if (isDimensionless(a.u)) return a;
        if (e.b.k === 'num' && Number.isInteger(e.b.v)) return { u: powerUnits(a.u, e.b.v), literal: a.literal };
        if (e.b.k === 'unary' && e.b.a.k === 'num' && Number.isInteger(e.b.a.v)) return { u: powerUnits(a.u, -e.b.a.v), literal: a.literal };
        return UNKNOWN;
      }
      case 'mod':
        return this.agree(a, b, e.opSpan ?? e.span, '"mod"');
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        this.agree(a, b, e.opSpan ?? e.span, `the comparison "${e.op}"`);
        return { u: DIMENSIONLESS, literal: false };
      case 'and':
      case 'or':
        return { u: DIMENSIONLESS, literal: false };
    }
  }

  private call(e: Extract<RExpr, { k: 'call' }>): Typed {
    const args = e.args.map((a) => this.typeOf(a));
    const [a0 = UNKNOWN, a1 = UNKNOWN, a2 = UNKNOWN] = args;
    const over = (u: Typed, by: Unit | undefined): Typed => (u.u && by ? { u: divideUnits(u.u, by), literal: false } : UNKNOWN);
    switch (e.fn) {
      case 'abs':
      case 'int':
      case 'round':
        return a0;
      case 'sqrt': {
        if (!a0.u) return UNKNOWN;
        if ([...a0.u.values()].every((p) => p % 2 === 0)) return { u: powerUnits(a0.u, 0.5), literal: a0.literal };
        this.warn(e.span, `The square root of ${formatUnits(a0.u)} has no whole-number units.`);
        return UNKNOWN;
      }
      case 'exp':
      case 'ln':
      case 'log10':
      case 'sin':
      case 'cos':
      case 'tan':
      case 'arcsin':
      case 'arccos':
      case 'arctan':
        if (a0.u && !a0.literal && !isDimensionless(a0.u)) {
          this.warn(e.args[0]!.span, `${e.fn.toUpperCase()} needs a value without units, but this is in ${formatUnits(a0.u)}.`);
        }
        return { u: DIMENSIONLESS, literal: false };
      case 'min':
      case 'max':
      case 'mod':
        return this.agree(a0, a1, e.span, e.fn.toUpperCase());
      case 'safediv': {
        const q = a0.u && a1.u ? { u: divideUnits(a0.u, a1.u), literal: a0.literal && a1.literal } : UNKNOWN;
        return args.length > 2 ? this.agree(q, a2, e.span, 'SAFEDIV') : q;
      }
      case 'step':
        this.expectTime(a1, e.args[1]!.span, 'start time of STEP');
        return a0;
      case 'pulse':
        this.expectTime(a1, e.args[1]!.span, 'time of the first pulse');
        return over(a0, this.time);
      case 'ramp':
        this.expectTime(a1, e.args[1]!.span, 'start time of RAMP');
        return a0.u && this.time ? { u: multiplyUnits(a0.u, this.time), literal: false } : UNKNOWN;
      case 'init':
      case 'previous':
      case 'active initial':
        if (args.length > 1) return this.agree(a0, a1, e.span, `${e.fn.toUpperCase()}`);
        return a0;
      case 'delay':
      case 'delay1':
      case 'delay3':
      case 'delayn':
      case 'smth1':
      case 'smth3':
      case 'smthn':
        this.expectTime(a1, e.args[1]!.span, e.fn.startsWith('smth') ? 'averaging time' : 'delay time');
        return a0;
      case 'trend':
        this.expectTime(a1, e.args[1]!.span, 'averaging time');
        return this.time ? { u: powerUnits(this.time, -1), literal: false } : UNKNOWN;
      case 'forcst':
        this.expectTime(a1, e.args[1]!.span, 'averaging time');
        this.expectTime(a2, e.args[2]!.span, 'forecast horizon');
        return a0;
      case 'uniform':
        return this.agree(a0, a1, e.span, 'UNIFORM');
      case 'normal':
      case 'lognormal':
        return this.agree(a0, a1, e.span, e.fn.toUpperCase());
      case 'exprnd':
      case 'poisson':
        return a0;
      case 'random normal':
      case 'random exponential':
      case 'random poisson':
      case 'random lognormal':
      case 'random triangular':
      case 'random gamma':
      case 'random beta':
      case 'random weibull':
      case 'random binomial':
      case 'random negative binomial':
        return this.agree(a0, a1, e.span, `${e.fn.toUpperCase().replace(/ /g, '_')} (its bounds)`);
      default:
        return UNKNOWN;
    }
  }
}

/** True for units of the form 1/x (x one unit to the first power), e.g. 1/year. */
function isPerOneUnit(u: Unit): boolean {
  return u.size === 1 && [...u.values()][0] === -1;
}
