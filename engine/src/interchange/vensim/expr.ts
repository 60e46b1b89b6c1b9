import type { DiagnosticSink, SourcePos, SourceSpan } from '../../diagnostics.js';
import type { BinaryOp, Expr, NameRef, SubscriptItem } from '../../language/ast.js';
import { nameKey } from '../../names.js';
import { rewriteExpr } from '../../language/rewrite.js';

/**
 * Vensim equation syntax → our expression AST. Vensim names contain spaces (`Teacup Temperature`),
 * so a name is a run of words; a run followed by `(` is a function, mapped to our builtins here.
 */

type Tok =
  | { k: 'num'; v: number; at: number; end: number }
  | { k: 'name'; text: string; at: number; end: number }
  | { k: 'op'; text: string; at: number; end: number }
  | { k: 'eof'; at: number; end: number };

export class VensimSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const OPS = ['<=', '>=', '<>', '+', '-', '*', '/', '^', '(', ')', '[', ']', ',', '=', '<', '>', '!', ';'];
const KEYWORD_OPS: Record<string, string> = { ':and:': 'and', ':or:': 'or', ':not:': 'not' };

/** Tokens of text[from, to), offsets absolute. Backslash-newline and {comments} are blanks. */
export function tokenizeVensim(text: string, from: number, to: number): Tok[] {
  const out: Tok[] = [];
  let i = from;
  while (i < to) {
    const c = text[i]!;
    if (/\s/.test(c) || (c === '\\' && /[\r\n]/.test(text[i + 1] ?? ''))) {
      i++;
      continue;
    }
    if (c === '{') {
      const close = text.indexOf('}', i);
      i = close < 0 || close >= to ? to : close + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, Math.min(to, i + 100)))!;
      out.push({ k: 'num', v: Number(m[0]), at: i, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < to && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= to) throw new VensimSyntaxError('A quoted name is not closed.', i);
      out.push({ k: 'name', text: text.slice(i + 1, j).replace(/\\"/g, '"'), at: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    if (c === ':') {
      const m = /^:(and|or|not|na):/i.exec(text.slice(i, i + 6));
      if (!m) throw new VensimSyntaxError(`Unexpected ":" in the equation.`, i);
      const word = m[1]!.toLowerCase();
      if (word === 'na') out.push({ k: 'num', v: -1e38, at: i, end: i + m[0].length });
      else out.push({ k: 'op', text: KEYWORD_OPS[`:${word}:`]!, at: i, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) {
      out.push({ k: 'op', text: op, at: i, end: i + op.length });
      i += op.length;
      continue;
    }
    if (/[\p{L}_$&'%#]/u.test(c)) {
      // A name: words separated by single spaces/underscores; line continuations inside are spaces.
      let j = i;
      let end = i;
      while (j < to) {
        const ch = text[j]!;
        if (/[\p{L}\p{N}_$&'%#.]/u.test(ch)) {
          j++;
          end = j;
        } else if (ch === ' ' || ch === '\t' || (ch === '\\' && /[\r\n]/.test(text[j + 1] ?? '')) || ch === '\r' || ch === '\n') {
          let k = j;
          while (k < to && (/\s/.test(text[k]!) || (text[k] === '\\' && /[\r\n]/.test(text[k + 1] ?? '')))) k++;
          if (k < to && /[\p{L}\p{N}_$&'%#]/u.test(text[k]!)) j = k;
          else break;
        } else break;
      }
      out.push({ k: 'name', text: text.slice(i, end).replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' '), at: i, end });
      i = end;
      continue;
    }
    throw new VensimSyntaxError(`Unexpected character "${c}" in the equation.`, i);
  }
  out.push({ k: 'eof', at: to, end: to });
  return out;
}

export interface Positions {
  pos(offset: number): SourcePos;
}

/** Maps Vensim function names (normalised) to a builder of our expression. */
type Builder = (args: Expr[], span: SourceSpan, call: (name: string, args: Expr[]) => Expr) => Expr;

const num = (v: number, span: SourceSpan): Expr => ({ kind: 'number', value: v, span });
const bin = (op: BinaryOp, left: Expr, right: Expr, span: SourceSpan): Expr => ({ kind: 'binary', op, left, right, span });
const TIME = (span: SourceSpan): Expr => ({ kind: 'ref', name: { key: 'time', text: 'TIME', span }, span });

const RENAMED: Record<string, string> = {
  smooth: 'SMTH1',
  smoothi: 'SMTH1',
  smooth3: 'SMTH3',
  smooth3i: 'SMTH3',
  delay1i: 'DELAY1',
  delay3i: 'DELAY3',
  forecast: 'FORCST',
  xidz: 'SAFEDIV',
  zidz: 'SAFEDIV',
  initial: 'INIT',
  vmin: 'MIN',
  vmax: 'MAX',
  'random uniform': 'UNIFORM',
  'random normal': 'RANDOM_NORMAL',
  'random exponential': 'RANDOM_EXPONENTIAL',
  'random poisson': 'RANDOM_POISSON',
  'random lognormal': 'RANDOM_LOGNORMAL',
  'random triangular': 'RANDOM_TRIANGULAR',
  'random lookup': 'RANDOM_LOOKUP',
  'random gamma': 'RANDOM_GAMMA',
  'random beta': 'RANDOM_BETA',
  'random weibull': 'RANDOM_WEIBULL',
  'random binomial': 'RANDOM_BINOMIAL',
  'random negative binomial': 'RANDOM_NEGATIVE_BINOMIAL',
  'if then else': 'IF_THEN_ELSE',
  'active initial': 'ACTIVE_INITIAL',
};

const BUILDERS: Record<string, Builder> = {
  // Vensim PULSE(start, width): 1 from start for width (at least one DT).
  pulse: ([start, width], span, call) => bin('-', call('STEP', [num(1, span), start!]), call('STEP', [num(1, span), bin('+', start!, call('MAX', [width!, { kind: 'ref', name: { key: 'dt', text: 'DT', span }, span }]), span)]), span),
  // PULSE TRAIN(start, width, interval, end): 1 for width from start, repeating every interval
  // (a single pulse when interval is 0), until end.
  'pulse train': ([start, width, interval, end], span, call) => {
    const since = bin('-', TIME(span), start!, span);
    const phase: Expr = { kind: 'if', cond: bin('>', interval!, num(0, span), span), then: call('MOD', [since, interval!]), else: since, span };
    return {
      kind: 'if',
      cond: bin('and', bin('and', bin('>=', TIME(span), start!, span), bin('<=', TIME(span), end!, span), span), bin('<', phase, call('MAX', [width!, { kind: 'ref', name: { key: 'dt', text: 'DT', span }, span }]), span), span),
      then: num(1, span),
      else: num(0, span),
      span,
    };
  },
  // INTEGER truncates toward zero; INT floors.
  integer: ([x], span, call) => ({ kind: 'if', cond: bin('<', x!, num(0, span), span), then: { kind: 'unary', op: '-', arg: call('INT', [{ kind: 'unary', op: '-', arg: x!, span }]), span }, else: call('INT', [x!]), span }),
  power: ([a, b], span) => bin('^', a!, b!, span),
  log: ([x, base], span, call) => bin('/', call('LN', [x!]), call('LN', [base!]), span),
  // DELAY N(input, time, initial, order) and SMOOTH N(input, time, initial, order): our order comes third.
  'delay n': ([x, t, init, n], _span, call) => call('DELAYN', [x!, t!, n!, init!]),
  'smooth n': ([x, t, init, n], _span, call) => call('SMTHN', [x!, t!, n!, init!]),
  'delay3i': ([x, t, init], _span, call) => call('DELAY3', [x!, t!, init!]),
  // QUANTUM(x, q) = q · INTEGER(x / q); x itself when q is 0 or negative
  quantum: ([x, q], span, call) => ({ kind: 'if', cond: bin('<=', q!, num(0, span), span), then: x!, else: bin('*', q!, BUILDERS.integer!([bin('/', x!, q!, span)], span, call), span), span }),
  // RANDOM PINK NOISE(mean, sd, correlation time, seed): white noise smoothed over the correlation
  // time, its spread raised by √(2·time/DT) so that the smoothed noise keeps the standard deviation.
  'random pink noise': ([mean, sd, tau, seed], span, call) => {
    const dt: Expr = { kind: 'ref', name: { key: 'dt', text: 'DT', span }, span };
    const spread = bin('*', sd!, call('SQRT', [bin('/', bin('*', num(2, span), tau!, span), dt, span)]), span);
    return bin('+', mean!, call('SMTH1', [call('NORMAL', [num(0, span), spread, seed!]), tau!, num(0, span)]), span);
  },
  // GAME(x) takes interactive input in Vensim; in a batch run it is just x.
  game: ([x]) => x!,
  // DELAY FIXED takes its delay once, at the start, rounded to a whole number of time steps.
  'delay fixed': ([x, t, init], span, call) => {
    const dt: Expr = { kind: 'ref', name: { key: 'dt', text: 'DT', span }, span };
    return call('DELAY', [x!, bin('*', call('ROUND', [bin('/', call('INIT', [t!]), dt, span)]), dt, span), init!]);
  },
  // Vensim's MODULO keeps the sign of the dividend: a − b · INTEGER(a / b).
  modulo: ([a, b], span, call) => bin('-', a!, bin('*', b!, BUILDERS.integer!([bin('/', a!, b!, span)], span, call), span), span),
};

/**
 * Vensim's vector functions run over the last subscript of their vector arguments (the last two
 * for INVERT MATRIX); ours mark that dimension with "!" (or "[*]"). Size arguments that only
 * repeat the vector's length are dropped.
 */
const VECTOR_CALLS: Record<string, { name: string; arity: number; vectors: number[]; marked: 1 | 2; drop: number[] }> = {
  'vector sort order': { name: 'VECTOR_SORT_ORDER', arity: 2, vectors: [0], marked: 1, drop: [] },
  'vector rank': { name: 'VECTOR_RANK', arity: 2, vectors: [0], marked: 1, drop: [] },
  'vector reorder': { name: 'VECTOR_REORDER', arity: 2, vectors: [0, 1], marked: 1, drop: [] },
  'vector select': { name: 'VECTOR_SELECT', arity: 5, vectors: [0, 1], marked: 1, drop: [] },
  'vector elm map': { name: 'VECTOR_ELM_MAP', arity: 2, vectors: [], marked: 1, drop: [] },
  'vector lookup': { name: 'VECTOR_LOOKUP', arity: 5, vectors: [], marked: 1, drop: [] },
  'allocate by priority': { name: 'ALLOCATE_BY_PRIORITY', arity: 5, vectors: [0, 1], marked: 1, drop: [2] },
  'invert matrix': { name: 'INVERT_MATRIX', arity: 2, vectors: [0], marked: 2, drop: [1] },
};

/** Marks the vector dimension(s) of a Vensim vector argument: the last subscript(s) of its first subscripted reference. */
function markVector(arg: Expr, marked: 1 | 2): Expr {
  let first: Extract<Expr, { kind: 'ref' }> | undefined;
  rewriteExpr(arg, (x) => {
    if (!first && x.kind === 'ref') first = x;
    return undefined;
  });
  // A whole array written without subscripts: its (only) dimension is the vector.
  if (first && !first.subscripts) return rewriteExpr(arg, (x) => (x === first ? { ...first, subscripts: Array.from({ length: marked }, () => ({ text: '*', span: first!.span })) } : undefined));
  const keys = (first?.subscripts ?? []).slice(-marked).map((s) => nameKey(s.text.replace(/!$/, '')));
  return rewriteExpr(arg, (x) => (x.kind === 'ref' && x.subscripts ? { ...x, subscripts: x.subscripts.map((s) => (keys.includes(nameKey(s.text)) ? { ...s, text: `${s.text}!` } : s)) } : undefined));
}

/** Builders that need to know the variable being defined (SAMPLE IF TRUE holds its own value). */
export function sampleIfTrue([cond, input, init]: Expr[], span: SourceSpan, self: NameRef, call: (name: string, args: Expr[]) => Expr): Expr {
  return { kind: 'if', cond: cond!, then: input!, else: call('PREVIOUS', [{ kind: 'ref', name: self, span }, init!]), span };
}

export class VensimExprParser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly where: Positions,
    private readonly sink: DiagnosticSink,
    private readonly elementCount: (dimKey: string) => number | undefined,
    /** The variable being defined, for functions that refer to their own previous value. */
    private readonly owner?: NameRef,
  ) {}

  private span(from: number, to: number): SourceSpan {
    return { start: this.where.pos(from), end: this.where.pos(to) };
  }

  private peek(): Tok {
    return this.toks[this.i]!;
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.k === 'op' && t.text === text;
  }

  private expect(text: string): Tok {
    if (!this.isOp(text)) throw new VensimSyntaxError(`Expected "${text}" in the equation.`, this.peek().at);
    return this.toks[this.i++]!;
  }

  atEnd(): boolean {
    return this.peek().k === 'eof';
  }

  /** A comma/semicolon separated list of expressions (value lists), as rows. */
  list(): Expr[][] {
    const rows: Expr[][] = [[]];
    for (;;) {
      if (this.atEnd()) break;
      rows[rows.length - 1]!.push(this.expr());
      if (this.isOp(',')) this.i++;
      else if (this.isOp(';')) {
        this.i++;
        if (!this.atEnd()) rows.push([]);
      } else break;
    }
    if (!this.atEnd()) throw new VensimSyntaxError('Unexpected text after the end of the equation.', this.peek().at);
    return rows;
  }

  expr(): Expr {
    return this.binary(0);
  }

  private static readonly LEVELS: string[][] = [['or'], ['and'], ['=', '<>', '<', '<=', '>', '>='], ['+', '-'], ['*', '/']];

  private binary(level: number): Expr {
    if (level >= VensimExprParser.LEVELS.length) return this.unary();
    if (level === 2 && this.isOp('not')) {
      const t = this.toks[this.i++]!;
      const arg = this.binary(level);
      return { kind: 'unary', op: 'not', arg, span: this.span(t.at, arg.span.end.offset) };
    }
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.k !== 'op' || !VensimExprParser.LEVELS[level]!.includes(t.text)) return left;
      this.i++;
      const right = this.binary(level + 1);
      left = { kind: 'binary', op: t.text as BinaryOp, left, right, span: { start: left.span.start, end: right.span.end } };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.k === 'op' && (t.text === '-' || t.text === '+')) {
      this.i++;
      const arg = this.unary();
      return t.text === '+' ? arg : { kind: 'unary', op: '-', arg, span: { start: this.where.pos(t.at), end: arg.span.end } };
    }
    const base = this.primary();
    if (this.isOp('^')) {
      this.i++;
      const exponent = this.unary();
      return { kind: 'binary', op: '^', left: base, right: exponent, span: { start: base.span.start, end: exponent.span.end } };
    }
    return base;
  }

  private primary(): Expr {
    const t = this.toks[this.i++]!;
    if (t.k === 'num') return num(t.v, this.span(t.at, t.end));
    if (t.k === 'op' && t.text === '(') {
      const inner = this.expr();
      this.expect(')');
      return inner;
    }
    if (t.k !== 'name') throw new VensimSyntaxError(t.k === 'eof' ? 'The equation is incomplete.' : `Unexpected "${t.k === 'op' ? t.text : ''}" in the equation.`, t.at);
    const ref: NameRef = { key: nameKey(t.text), text: t.text, span: this.span(t.at, t.end) };
    if (this.isOp('(')) return this.call(ref, t.at);
    if (this.isOp('[')) {
      this.i++;
      const subscripts: SubscriptItem[] = [];
      for (;;) {
        const s = this.toks[this.i++]!;
        if (s.k !== 'name' && s.k !== 'num') throw new VensimSyntaxError('Expected a subscript name.', s.at);
        const text = s.k === 'num' ? String(s.v) : s.text;
        const bang = this.isOp('!');
        if (bang) this.i++;
        subscripts.push({ text: bang ? `${text}!` : text, span: this.span(s.at, s.end) });
        if (this.isOp(',')) {
          this.i++;
          continue;
        }
        const close = this.expect(']');
        const element: Expr = { kind: 'ref', name: ref, subscripts, span: this.span(t.at, close.end) };
        if (!this.isOp('(')) return element;
        // table[element](x): one element's table of an arrayed lookup.
        this.i++;
        const x = this.expr();
        const end = this.expect(')');
        return { kind: 'call', name: { key: 'lookup', text: 'LOOKUP', span: ref.span }, args: [element, x], span: this.span(t.at, end.end) };
      }
    }
    return { kind: 'ref', name: ref, span: ref.span };
  }

  private call(name: NameRef, at: number): Expr {
    this.expect('(');
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        args.push(this.expr());
        if (this.isOp(',')) {
          this.i++;
          continue;
        }
        break;
      }
    }
    const close = this.expect(')');
    const span = this.span(at, close.end);
    const make = (fn: string, a: Expr[]): Expr => ({ kind: 'call', name: { key: nameKey(fn), text: fn, span: name.span }, args: a, span });
    const key = name.key;
    if (key === 'elmcount' && args.length === 1 && args[0]!.kind === 'ref') {
      const n = this.elementCount(args[0]!.name.key);
      if (n !== undefined) return num(n, span);
    }
    if (key === 'sample if true' && args.length === 3 && this.owner) return sampleIfTrue(args, span, this.owner, make);
    if (key === 'get time value' && args.length === 3) {
      // Model time only: relative to the current time (0) or the start (1), measured in time units (0).
      const [relative, offset, measure] = args as [Expr, Expr, Expr];
      if (relative.kind === 'number' && (relative.value === 0 || relative.value === 1) && measure.kind === 'number' && measure.value === 0) {
        const base: Expr = relative.value === 0 ? TIME(span) : { kind: 'ref', name: { key: 'starttime', text: 'STARTTIME', span }, span };
        return bin('+', base, offset, span);
      }
      const measures = ['model time', 'the year', 'the quarter', 'the month', 'the day of the month', 'the day of the week', 'days since 1 BC', 'the hour', 'the minute', 'the second', 'seconds modulo 500,000'];
      const what = measure.kind === 'number' ? measures[measure.value] : undefined;
      let why: string;
      if (relative.kind !== 'number' || measure.kind !== 'number' || !what || ![0, 1, 2].includes(relative.value)) {
        why = 'GET TIME VALUE needs numbers for where to measure from (0 the current time, 1 the start, 2 the computer clock) and for what to measure (0 to 10).';
      } else if (relative.value === 2) {
        why = `GET TIME VALUE(2, …) reads the computer's clock (${what}), so no two runs would give the same results; it cannot be imported. Use a constant for the date instead.`;
      } else {
        why = `GET TIME VALUE measure ${measure.value} (${what}) turns model time into a calendar date through Vensim's time base settings, which the .mdl file does not record; only measure 0 (model time) can be imported.`;
      }
      this.sink.error('unknown-function', span, why);
      return num(Number.NaN, span);
    }
    const vector = VECTOR_CALLS[key];
    if (vector) {
      if (args.length !== vector.arity) {
        this.sink.error('wrong-arguments', span, `${name.text} takes ${vector.arity} arguments but ${args.length} ${args.length === 1 ? 'was' : 'were'} given.`);
        return num(Number.NaN, span);
      }
      return make(vector.name, args.flatMap((a, i) => (vector.drop.includes(i) ? [] : [vector.vectors.includes(i) ? markVector(a, vector.marked) : a])));
    }
    const builder = BUILDERS[key];
    if (builder) {
      const arity: Record<string, number> = { pulse: 2, 'pulse train': 4, integer: 1, power: 2, log: 2, 'delay n': 4, 'smooth n': 4, delay3i: 3, quantum: 2, game: 1, modulo: 2, 'delay fixed': 3, 'random pink noise': 4 };
      if (args.length !== arity[key]) {
        this.sink.error('wrong-arguments', span, `${name.text} takes ${arity[key]} arguments but ${args.length} ${args.length === 1 ? 'was' : 'were'} given.`);
        return num(Number.NaN, span);
      }
      return builder(args, span, make);
    }
    return make(RENAMED[key] ?? name.text, args);
  }
}
