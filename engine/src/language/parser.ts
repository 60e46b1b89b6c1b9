import { DiagnosticSink, type Diagnostic, type SourcePos, type SourceSpan } from '../diagnostics.js';
import { elementKey, nameKey } from '../names.js';
import { splitMappings } from './mapping.js';
import type {
  BinaryOp,
  ConveyorDecl,
  DimensionDecl,
  ElementEquation,
  ElementGraph,
  Expr,
  GraphSpec,
  Interpolation,
  ModelAst,
  NameRef,
  SimSpecDecl,
  SubscriptItem,
  VarDecl,
  TextValue,
  VarKind,
  LeakDecl,
} from './ast.js';
import { tokenize } from './lexer.js';
import { parseInPieces, type ParsedPiece } from './pieces.js';
import type { Token } from './tokens.js';

export interface ParseResult {
  readonly ast: ModelAst;
  readonly diagnostics: readonly Diagnostic[];
}

const VAR_KINDS: ReadonlySet<string> = new Set(['stock', 'flow', 'aux', 'const', 'graph']);
const STATEMENT_WORDS: ReadonlySet<string> = new Set([...VAR_KINDS, 'dimension', 'simulation', 'model']);
const RESERVED_WORDS: ReadonlySet<string> = new Set(['if', 'then', 'else', 'and', 'or', 'not', 'mod']);
/** Property lines that are a single word, like `non-negative`: a stock that is a conveyor or a queue, a queue's overflow. */
const FLAG_WORDS: ReadonlySet<string> = new Set(['conveyor', 'queue', 'overflow']);
const CONVEYOR_PROPERTIES: Readonly<Record<string, keyof Omit<ConveyorDecl, 'span'>>> = {
  'transit time': 'transitTime',
  capacity: 'capacity',
  'inflow limit': 'inflowLimit',
  arrest: 'arrest',
  sample: 'sample',
};

/** Conveyor, queue and leakage properties of one variable, as its property lines are read. */
interface BeltLines {
  conveyor?: SourceSpan;
  queue?: SourceSpan;
  overflow?: SourceSpan;
  conveyorProperties: { -readonly [K in keyof Omit<ConveyorDecl, 'span'>]?: Expr };
  firstConveyorProperty?: { key: string; span: SourceSpan };
  leak?: { kind: LeakDecl['kind']; value: Expr; span: SourceSpan };
  zone?: { start: number; end: number; span: SourceSpan };
}

/** Thrown inside a statement to abandon it; the statement loop resumes at the next line. */
class SyntaxAbort extends Error {}

/**
 * Parses `.cwm` model text. Never throws: problems become diagnostics and parsing carries on.
 * Statements unchanged since an earlier call are not parsed again (see pieces.ts).
 */
export function parseModel(source: string, file = 'model.cwm'): ParseResult {
  return parseInPieces(source, file, parsePiece);
}

/** Parses the whole text at once: what parseModel returns, without its memory of statements. */
export function parseWhole(source: string, file = 'model.cwm'): ParseResult {
  const sink = new DiagnosticSink(file);
  const parser = new Parser(source, tokenize(source, sink), sink, file);
  return { ast: parser.parseModel(), diagnostics: sink.items };
}

/** A piece of a model's text that starts a statement at `at`, parsed as it would be in the whole text. */
function parsePiece(text: string, file: string, at: SourcePos, seenSimulation: boolean, followedByStatement: boolean): ParsedPiece {
  const lexical = new DiagnosticSink(file);
  const tokens = tokenize(text, lexical, at, followedByStatement);
  const syntax = new DiagnosticSink(file);
  const ast = new Parser(text, tokens, syntax, file, at.offset, seenSimulation).parseModel();
  return { ast, lexical: lexical.items, syntax: syntax.items };
}

/**
 * Parses one expression (an equation from an imported file), reporting positions as if the text
 * started at `at` in that file. Line breaks inside it are insignificant. Undefined after an error.
 */
export function parseExpression(text: string, sink: DiagnosticSink, at: { readonly line: number; readonly column: number }): Expr | undefined {
  const tokens = tokenize(text, sink, at).filter((t) => t.kind !== 'newline');
  return new Parser(text, tokens, sink, sink.file).standaloneExpression();
}

class Parser {
  private i = 0;
  private title: string | undefined;
  private modelDoc: string | undefined;
  private sim: SimSpecDecl | undefined;
  private readonly dimensions: DimensionDecl[] = [];
  private readonly variables: VarDecl[] = [];

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    private readonly sink: DiagnosticSink,
    private readonly file: string,
    /** Where `source` starts in the file (a piece of it), for reading text back by offset. */
    private readonly base = 0,
    /** A piece after a simulation section: another one is a duplicate. */
    private readonly seenSimulation = false,
  ) {}

  standaloneExpression(): Expr | undefined {
    try {
      if (this.peek().kind === 'eof') this.fail(this.peek(), 'The equation is empty.');
      const e = this.expression();
      if (this.peek().kind !== 'eof') this.fail(this.peek(), `Unexpected ${describe(this.peek())} after the end of the equation.`);
      return e;
    } catch (e) {
      if (!(e instanceof SyntaxAbort)) throw e;
      return undefined;
    }
  }

  parseModel(): ModelAst {
    while (this.peek().kind !== 'eof') {
      if (this.peek().kind === 'newline') {
        this.i++;
        continue;
      }
      try {
        this.statement();
      } catch (e) {
        if (!(e instanceof SyntaxAbort)) throw e;
        this.skipLine();
      }
    }
    return {
      file: this.file,
      ...(this.title === undefined ? {} : { title: this.title }),
      ...(this.modelDoc === undefined ? {} : { doc: this.modelDoc }),
      ...(this.sim === undefined ? {} : { sim: this.sim }),
      dimensions: this.dimensions,
      variables: this.variables,
    };
  }

  // ---- statements -------------------------------------------------------------------------

  private statement(): void {
    const t = this.peek();
    const word = t.kind === 'ident' ? t.text.toLowerCase() : '';
    if (VAR_KINDS.has(word)) return this.variable(word as VarKind);
    if (word === 'dimension') return this.dimension();
    if (word === 'simulation') return this.simulation();
    if (word === 'model') return this.modelHeader();
    this.fail(
      t,
      `A line must start with stock, flow, aux, const, graph, dimension or simulation (or be a property such as "doc:" of the variable above it); found ${describe(t)}.`,
    );
  }

  private modelHeader(): void {
    const start = this.next();
    const t = this.peek();
    if (t.kind === 'string' || t.kind === 'ident') {
      this.title = t.text;
      this.i++;
    }
    this.endOfLine('the model title');
    this.properties('model', (key, keyTok) => {
      if (key === 'doc') {
        this.modelDoc = this.docText();
        return true;
      }
      return this.unknownProperty(keyTok, key, 'model', ['doc']);
    });
    void start;
  }

  private simulation(): void {
    const start = this.next();
    this.endOfLine('"simulation"');
    const spec: {
      -readonly [K in keyof SimSpecDecl]?: SimSpecDecl[K];
    } = {};
    this.properties('simulation', (key, keyTok) => {
      switch (key) {
        case 'start':
        case 'stop':
        case 'dt':
        case 'seed':
          spec[key] = this.expression();
          return true;
        case 'save every':
          spec.saveEvery = this.expression();
          return true;
        case 'stop at':
          spec.stopAt = this.name('the name of the variable that gives the final time');
          return true;
        case 'method':
        case 'time unit': {
          const v = this.peek();
          if (v.kind !== 'ident' && v.kind !== 'string') this.fail(v, `Expected a ${key} after "${key}:", found ${describe(v)}.`);
          // The rest of the line, so "runge-kutta" is one (unknown) method rather than a syntax error.
          const raw = v.kind === 'string' ? (this.i++, { text: v.text, span: v.span }) : this.rawUntil([], `a ${key}`);
          const value = { value: raw.text, span: raw.span };
          if (key === 'method') spec.method = value;
          else spec.timeUnit = value;
          return true;
        }
        default:
          return this.unknownProperty(keyTok, key, 'simulation', ['start', 'stop', 'stop at', 'dt', 'save every', 'method', 'time unit', 'seed']);
      }
    });
    if (this.sim || this.seenSimulation) this.sink.error('duplicate-name', start.span, 'The model has more than one "simulation" section; keep one.');
    this.sim = { ...spec, span: this.spanFrom(start) };
  }

  private dimension(): void {
    const start = this.next();
    const name = this.declaredName('a dimension name');
    this.expectOp(':', `after the dimension name "${name.text}" (for example  dimension AgeBand: 65-69, 70-74)`);
    const elements: NameRef[] = [];
    const mapsTo: NameRef[] = [];
    const mapLists: { to: string; elements: NameRef[] }[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'newline' || t.kind === 'eof') {
        this.fail(t, `Expected an element name in dimension "${name.text}".`);
      }
      if (t.kind === 'string') {
        this.i++;
        elements.push({ key: nameKey(t.text), text: t.text, span: t.span });
      } else if (!(this.isOp('-') && this.tokens[this.i + 1]?.text === '>')) {
        const text = this.rawUntil([','], `an element name in dimension "${name.text}"`);
        const arrow = text.text.indexOf('->');
        if (arrow < 0) elements.push({ key: nameKey(text.text), text: text.text, span: text.span });
        else elements.push({ key: nameKey(text.text.slice(0, arrow).trim()), text: text.text.slice(0, arrow).trim(), span: text.span });
        if (arrow >= 0) {
          // "c -> Other, (Another: b3, b1, b2)": the rest of the line names the dimensions this one maps to.
          const parts = [text.text.slice(arrow + 2)];
          const spans = [text.span];
          while (this.isOp(',')) {
            this.i++;
            const more = this.rawUntil([','], 'a dimension name');
            parts.push(more.text);
            spans.push(more.span);
          }
          parts.forEach((part, n) => {
            for (const m of splitMappings(part)) {
              mapsTo.push({ key: nameKey(unquote(m.to)), text: unquote(m.to), span: spans[n]! });
              if (m.elements) mapLists.push({ to: nameKey(unquote(m.to)), elements: m.elements.map((e) => ({ key: elementKey(unquote(e)), text: unquote(e), span: spans[n]! })) });
            }
          });
          break;
        }
      }
      if (this.isOp(',')) {
        this.i++;
        continue;
      }
      break;
    }
    this.endOfLine(`the elements of dimension "${name.text}"`);
    let doc: string | undefined;
    this.properties('dimension', (key, keyTok) => {
      if (key === 'doc') {
        doc = this.docText();
        return true;
      }
      return this.unknownProperty(keyTok, key, 'dimension', ['doc']);
    });
    this.dimensions.push({ name, elements, ...(mapsTo.length ? { mapsTo } : {}), ...(mapLists.length ? { mapLists } : {}), ...(doc === undefined ? {} : { doc }), span: this.spanFrom(start) });
  }

  private variable(kind: VarKind): void {
    const start = this.next();
    const name = this.declaredName(`a name for the ${kind}`);
    const dims: NameRef[] = [];
    let units: { text: string; span: SourceSpan } | undefined;
    let equation: Expr | undefined;
    let valueList: VarDecl['valueList'];
    let broken = false;
    try {
    if (this.isOp('[') && !this.peek().spaceBefore) {
      this.i++;
      for (;;) {
        dims.push(this.name('a dimension name'));
        if (this.isOp(',')) {
          this.i++;
          continue;
        }
        this.expectOp(']', 'to close the list of dimensions');
        break;
      }
    }
    if (this.isOp('[')) {
      const open = this.next();
      const raw = this.rawUntil([], 'units', true);
      this.expectOp(']', 'to close the units');
      units = { text: raw.text, span: { start: open.span.start, end: this.prev().span.end } };
    }
    const afterHead = this.peek();
    if (!this.isOp('=') && afterHead.kind !== 'newline' && afterHead.kind !== 'eof') {
      this.fail(afterHead, `Expected "=" before the equation of "${name.text}", found ${describe(afterHead)}.`);
    }
    if (this.isOp('=')) {
      this.i++;
      const first = this.expression();
      if (this.isOp(',') || this.isOp(';')) {
        const rows: Expr[][] = [[first]];
        while (this.isOp(',') || this.isOp(';')) {
          if (this.next().text === ';') rows.push([]);
          rows[rows.length - 1]!.push(this.expression());
        }
        valueList = { rows, span: { start: first.span.start, end: this.prev().span.end } };
      } else {
        equation = first;
      }
    }
    this.endOfLine(`the equation of "${name.text}"`);
    } catch (e) {
      // The name is known: keep the variable (so uses of it are not reported as unknown) and read its property lines.
      if (!(e instanceof SyntaxAbort)) throw e;
      this.skipLine();
      broken = true;
    }

    const inflows: NameRef[] = [];
    const outflows: NameRef[] = [];
    const elementEquations: ElementEquation[] = [];
    let nonNegative = false;
    let doc: string | undefined;
    let xs: number[] | undefined;
    let ys: number[] | undefined;
    let interpolation: Interpolation = 'continuous';
    let graphSpan: SourceSpan | undefined;
    let graphBroken = false;
    const elementGraphs: ElementGraph[] = [];
    const allowed = ['doc', 'target', 'better', 'amber'];
    const indicator: { target?: Expr; better?: { value: string; span: SourceSpan }; amber?: Expr; span?: SourceSpan } = {};
    if (kind === 'stock') allowed.push('inflow', 'outflow', 'non-negative', `conveyor (with ${Object.keys(CONVEYOR_PROPERTIES).join(', ')})`, 'queue');
    if (kind === 'flow') allowed.push('non-negative', 'leak fraction or leak rate (with leak zone)', 'overflow');
    const belt: BeltLines = { conveyorProperties: {} };
    if (kind === 'graph') allowed.push('points', 'x', 'y', 'interpolation', 'data', 'data x', 'data y', 'data where');
    let data: { table?: TextValue; x?: TextValue; y?: TextValue; where: { column: TextValue; value: TextValue }[]; span?: SourceSpan } = { where: [] };

    this.properties(kind, (key, keyTok) => {
      const noteGraph = (): void => {
        graphSpan ??= keyTok.span;
      };
      if (key === 'doc') {
        doc = this.docText();
        return true;
      }
      if (key === 'target' || key === 'amber') {
        indicator.span ??= keyTok.span;
        indicator[key] = this.expression();
        return true;
      }
      if (key === 'better') {
        indicator.span ??= keyTok.span;
        const v = this.peek();
        const word = v.kind === 'ident' ? v.text.toLowerCase() : '';
        // Reported here; the indicator keeps the word so no second "say which way" follows.
        if (word !== 'lower' && word !== 'higher') this.sink.error('syntax', v.span, `"better:" is lower or higher (which way the indicator should go); found ${describe(v)}.`, name.text);
        if (v.kind !== 'newline' && v.kind !== 'eof') this.i++;
        indicator.better = { value: word, span: v.span };
        return true;
      }
      if (kind === 'stock' && (key === 'inflow' || key === 'inflows' || key === 'outflow' || key === 'outflows')) {
        const list = key.startsWith('in') ? inflows : outflows;
        for (;;) {
          list.push(this.declaredName('a flow name'));
          if (!this.isOp(',')) break;
          this.i++;
        }
        return true;
      }
      if ((kind === 'stock' || kind === 'flow') && key === 'non-negative') {
        nonNegative = true;
        return true;
      }
      if (kind === 'graph' && key === 'points') {
        noteGraph();
        graphBroken = true; // until the whole list has been read
        const points = this.points();
        [xs, ys, graphBroken] = [points.xs, points.ys, false];
        return true;
      }
      if (kind === 'graph' && (key === 'x' || key === 'y')) {
        noteGraph();
        graphBroken = true;
        const values: number[] = [];
        for (;;) {
          values.push(this.numberValue(`a ${key} value`));
          if (!this.isOp(',')) break;
          this.i++;
        }
        graphBroken = false;
        if (key === 'x') xs = values;
        else ys = values;
        return true;
      }
      if (kind === 'graph' && key.startsWith('data')) {
        data.span ??= keyTok.span;
        if (key === 'data') data.table = this.textValue('the name of a data table, in quotes');
        else if (key === 'data x') data.x = this.textValue('the name of the column that holds the times (years)');
        else if (key === 'data y') data.y = this.textValue('the name of the column that holds the values');
        else if (key === 'data where') {
          for (;;) {
            const column = this.textValue('a column name, in quotes');
            this.expectOp('=', `after the column name (as in  data where: "area" = "Leeds")`);
            data.where.push({ column, value: this.textValue('the value to pick, in quotes') });
            if (!this.isOp(',')) break;
            this.i++;
          }
        }
        return true;
      }
      if (kind === 'graph' && key === 'interpolation') {
        const v = this.peek();
        const word = v.kind === 'ident' ? v.text.toLowerCase() : '';
        if (word !== 'continuous' && word !== 'extrapolate' && word !== 'discrete') {
          this.fail(v, `Interpolation must be continuous, extrapolate or discrete; found ${describe(v)}.`);
        }
        this.i++;
        interpolation = word as Interpolation;
        return true;
      }
      if (this.beltProperty(kind, key, keyTok, belt)) return true;
      return this.unknownProperty(keyTok, key, kind, allowed);
    }, (open) => {
      const subscripts = this.subscriptItems(open);
      if (kind === 'graph' && this.isWord('points') && this.tokens[this.i + 1]?.text === ':') {
        // [65-74] points: (…)  — a table for one element of an arrayed graph.
        this.i += 2;
        graphBroken = true;
        const points = this.points();
        elementGraphs.push({ subscripts, xs: points.xs, ys: points.ys, interpolation: 'continuous', span: { start: open.span.start, end: this.prev().span.end } });
        graphBroken = false;
        return;
      }
      this.expectOp('=', `after [${subscripts.map((s) => s.text).join(', ')}] (an element equation looks like  [90+] = 0.2)`);
      const eq = this.expression();
      elementEquations.push({ subscripts, equation: eq, span: { start: open.span.start, end: eq.span.end } });
    });

    let graph: GraphSpec | undefined;
    if (kind === 'graph') {
      const span = graphSpan ?? name.span;
      if (graphBroken) {
        broken = true;
      } else if (data.span && !data.table) {
        this.sink.error('syntax', data.span, `Graph "${name.text}" reads a data table: name it with  data: "table name".`, name.text);
      } else if (data.table && (xs || ys || elementGraphs.length > 0)) {
        this.sink.error('graph', data.span!, `Graph "${name.text}" has points and a data table: keep one of them.`, name.text);
      } else if ((!xs || !ys) && elementGraphs.length === 0 && !data.table) {
        this.sink.error('graph', span, `Graph "${name.text}" needs its points: either "points: (x1, y1), (x2, y2), …" or an "x:" line and a "y:" line.`, name.text);
      } else if (xs && ys) {
        graph = { xs, ys, interpolation, span };
      }
    }
    // Optional fields set one by one rather than spread: this runs for every variable.
    const decl: { -readonly [K in keyof VarDecl]: VarDecl[K] } = { kind, name, dims, elementEquations, inflows, outflows, nonNegative, span: this.spanFrom(start) };
    if (units) decl.units = units;
    if (equation) decl.equation = equation;
    if (valueList) decl.valueList = valueList;
    if (doc !== undefined) decl.doc = doc;
    if (graph) decl.graph = graph;
    if (elementGraphs.length) decl.elementGraphs = elementGraphs.map((g) => ({ ...g, interpolation }));
    if (data.table) decl.data = { table: data.table, ...(data.x ? { x: data.x } : {}), ...(data.y ? { y: data.y } : {}), where: data.where, ...(interpolation !== 'continuous' ? { interpolation } : {}), span: data.span! };
    if (indicator.span) decl.indicator = { ...(indicator.target ? { target: indicator.target } : {}), ...(indicator.better ? { better: indicator.better } : {}), ...(indicator.amber ? { amber: indicator.amber } : {}), span: indicator.span };
    this.finishBelt(decl, belt);
    if (broken) decl.broken = broken;
    this.variables.push(decl);
  }

  /** Conveyor and queue lines of a stock, leakage and overflow lines of a flow; false for any other key. */
  private beltProperty(kind: VarKind, key: string, keyTok: Token, belt: BeltLines): boolean {
    if (kind === 'stock' && (key === 'conveyor' || key === 'queue')) {
      belt[key] = keyTok.span;
      return true;
    }
    if (kind === 'flow' && key === 'overflow') {
      belt.overflow = keyTok.span;
      return true;
    }
    const field = kind === 'stock' ? CONVEYOR_PROPERTIES[key] : undefined;
    if (field) {
      belt.firstConveyorProperty ??= { key, span: keyTok.span };
      belt.conveyorProperties[field] = this.expression();
      return true;
    }
    if (kind === 'flow' && (key === 'leak fraction' || key === 'leak rate')) {
      if (belt.leak) this.sink.error('syntax', keyTok.span, 'A leakage flow has one "leak fraction:" (linear) or one "leak rate:" (exponential), not both.');
      belt.leak = { kind: key === 'leak rate' ? 'rate' : 'fraction', value: this.expression(), span: keyTok.span };
      return true;
    }
    if (kind === 'flow' && key === 'leak zone') {
      const start = this.numberValue('where the leak zone starts (a fraction of the belt, 0 to 1)');
      this.expectOp(',', 'between the start and the end of the leak zone (as in  leak zone: 0, 50%)');
      belt.zone = { start, end: this.numberValue('where the leak zone ends (a fraction of the belt, 0 to 1)'), span: keyTok.span };
      return true;
    }
    return false;
  }

  private finishBelt(decl: { -readonly [K in keyof VarDecl]: VarDecl[K] }, belt: BeltLines): void {
    if (belt.conveyor) decl.conveyor = { ...belt.conveyorProperties, span: belt.conveyor };
    else if (belt.firstConveyorProperty) {
      this.sink.error('syntax', belt.firstConveyorProperty.span, `"${belt.firstConveyorProperty.key}" is a property of a conveyor: add a line "conveyor" under stock "${decl.name.text}".`, decl.name.text);
    }
    if (belt.queue) decl.queue = { span: belt.queue };
    if (belt.overflow) decl.overflow = { span: belt.overflow };
    if (belt.leak) decl.leak = { ...belt.leak, ...(belt.zone ? { zone: belt.zone } : {}) };
    else if (belt.zone) this.sink.error('syntax', belt.zone.span, `"leak zone" belongs to a leakage flow: give "${decl.name.text}" a "leak fraction:" or a "leak rate:" too.`, decl.name.text);
  }

  /** A quoted text, or a bare number or word (column values such as 2025 or Leeds). */
  private textValue(what: string): TextValue {
    const t = this.peek();
    if ((t.kind === 'string' && !t.triple) || t.kind === 'number' || t.kind === 'ident') {
      this.i++;
      return { text: t.text, span: t.span };
    }
    return this.fail(t, `Expected ${what}; found ${describe(t)}.`);
  }

  /** `(x, y), (x, y), …` */
  private points(): { xs: number[]; ys: number[] } {
    const xs: number[] = [];
    const ys: number[] = [];
    for (;;) {
      this.expectOp('(', 'to start a point, as in  points: (0, 1), (10, 2)');
      xs.push(this.numberValue('the x value of a point'));
      this.expectOp(',', 'between the x and y of a point');
      ys.push(this.numberValue('the y value of a point'));
      this.expectOp(')', 'to close the point');
      if (!this.isOp(',')) break;
      this.i++;
    }
    return { xs, ys };
  }

  /**
   * Reads the property lines under a statement (`key: value`, `non-negative`, `[element] = …`)
   * until the next statement. Each line is parsed on its own so one bad line does not hide others.
   */
  private properties(
    owner: string,
    onKey: (key: string, keyTok: Token) => boolean,
    onElement?: (open: Token) => void,
  ): void {
    for (;;) {
      while (this.peek().kind === 'newline') this.i++;
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === 'ident' && STATEMENT_WORDS.has(t.text.toLowerCase()) && this.tokens[this.i + 1]?.text !== ':') return;
      try {
        if (t.kind === 'op' && t.text === '[' && onElement) {
          this.i++;
          onElement(t);
          this.endOfLine('the element equation');
          continue;
        }
        const key = this.propertyKey(owner);
        if (key === undefined) return;
        if (key.word === 'non-negative' || FLAG_WORDS.has(key.word)) {
          if (!onKey(key.word, key.tok)) this.skipLine();
          else this.endOfLine(`"${key.word}"`);
          continue;
        }
        if (onKey(key.word, key.tok)) this.endOfLine(`the "${key.word}" property`);
        else this.skipLine(); // already reported; the rest of the line is its value
      } catch (e) {
        if (!(e instanceof SyntaxAbort)) throw e;
        this.skipLine();
      }
    }
  }

  /** Reads `word word … :` (or the bare `non-negative` flag). Returns undefined when the line is not a property. */
  private propertyKey(owner: string): { word: string; tok: Token } | undefined {
    const first = this.peek();
    if (first.kind !== 'ident') {
      this.fail(first, `Expected a property of the ${owner} above (such as "doc:") or a new statement; found ${describe(first)}.`);
    }
    const lower = first.text.toLowerCase();
    if ((lower === 'non' && this.tokens[this.i + 1]?.text === '-' && this.tokens[this.i + 2]?.text.toLowerCase() === 'negative') || lower === 'nonnegative') {
      this.i += lower === 'non' ? 3 : 1;
      return { word: 'non-negative', tok: first };
    }
    const after = this.tokens[this.i + 1];
    if (FLAG_WORDS.has(lower) && (after === undefined || after.kind === 'newline' || after.kind === 'eof')) {
      this.i += 1;
      return { word: lower, tok: first };
    }
    const words: string[] = [];
    let j = this.i;
    while (this.tokens[j]?.kind === 'ident') {
      words.push(this.tokens[j]!.text.toLowerCase());
      j++;
    }
    if (this.tokens[j]?.text !== ':' || this.tokens[j]?.kind !== 'op') {
      this.fail(
        first,
        `Expected a property of the ${owner} above (such as "doc:") or a new statement starting with stock, flow, aux, const, graph or dimension; found ${describe(first)}.`,
      );
    }
    this.i = j + 1;
    return { word: words.join(' '), tok: first };
  }

  private unknownProperty(tok: Token, key: string, owner: string, allowed: string[]): boolean {
    this.sink.error('syntax', tok.span, `"${key}" is not a property of a ${owner}. Allowed here: ${allowed.join(', ')}.`);
    return false;
  }

  private docText(): string {
    const t = this.peek();
    if (t.kind !== 'string') this.fail(t, `Expected the documentation as quoted text after "doc:", found ${describe(t)}.`);
    this.i++;
    return t.text;
  }

  private numberValue(what: string): number {
    let sign = 1;
    const start = this.peek();
    if (this.isOp('-')) {
      sign = -1;
      this.i++;
    } else if (this.isOp('+')) {
      this.i++;
    }
    const t = this.peek();
    if (t.kind !== 'number') this.fail(start, `Expected a number for ${what}, found ${describe(t)}.`);
    this.i++;
    return sign * t.value;
  }

  // ---- expressions ------------------------------------------------------------------------

  expression(): Expr {
    return this.orExpr();
  }

  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.isWord('or')) {
      const at = this.next().span;
      left = binary('or', left, this.andExpr(), at);
    }
    return left;
  }

  private andExpr(): Expr {
    let left = this.equality();
    while (this.isWord('and')) {
      const at = this.next().span;
      left = binary('and', left, this.equality(), at);
    }
    return left;
  }

  private equality(): Expr {
    let left = this.comparison();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '=' || t.text === '==' || t.text === '<>' || t.text === '!=')) {
        const at = this.next().span;
        const op: BinaryOp = t.text === '=' || t.text === '==' ? '=' : '<>';
        left = binary(op, left, this.comparison(), at);
      } else {
        return left;
      }
    }
  }

  private comparison(): Expr {
    let left = this.additive();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '<' || t.text === '<=' || t.text === '>' || t.text === '>=')) {
        const at = this.next().span;
        left = binary(t.text as BinaryOp, left, this.additive(), at);
      } else {
        return left;
      }
    }
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '+' || t.text === '-')) {
        const at = this.next().span;
        left = binary(t.text, left, this.multiplicative(), at);
      } else {
        return left;
      }
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '*' || t.text === '/')) {
        const at = this.next().span;
        left = binary(t.text, left, this.unary(), at);
      } else if (this.isWord('mod')) {
        const at = this.next().span;
        left = binary('mod', left, this.unary(), at);
      } else {
        return left;
      }
    }
  }

  /** Unary minus binds looser than `^` (as in XMILE and mathematics): -2^2 = -4. */
  private unary(): Expr {
    const t = this.peek();
    if ((t.kind === 'op' && (t.text === '-' || t.text === '+')) || this.isWord('not')) {
      this.i++;
      const arg = this.unary();
      const op = t.kind === 'op' ? (t.text as '-' | '+') : 'not';
      return { kind: 'unary', op, arg, span: { start: t.span.start, end: arg.span.end } };
    }
    return this.power();
  }

  /** `^` is right-associative: 2^3^2 = 2^9. */
  private power(): Expr {
    const base = this.primary();
    if (this.isOp('^')) {
      const at = this.next().span;
      const exponent = this.unary();
      return binary('^', base, exponent, at);
    }
    return base;
  }

  private primary(): Expr {
    const t = this.peek();
    if (t.kind === 'number') {
      this.i++;
      const glued = this.peek();
      if (glued.kind === 'ident' && !glued.spaceBefore) {
        this.fail(glued, `A number cannot be followed directly by letters ("${t.text}${glued.text}"). Put a space or an operator between them.`);
      }
      return { kind: 'number', value: t.value, span: t.span };
    }
    if (t.kind === 'op' && t.text === '(') {
      this.i++;
      const inner = this.expression();
      this.expectOp(')', `to close the bracket opened at line ${t.span.start.line}, column ${t.span.start.column}`);
      return inner;
    }
    if (this.isWord('if')) {
      this.i++;
      const cond = this.expression();
      this.expectWord('then', 'after the condition of "if"');
      const thenExpr = this.expression();
      this.expectWord('else', 'after the "then" part (an if always needs an else)');
      const elseExpr = this.expression();
      return { kind: 'if', cond, then: thenExpr, else: elseExpr, span: { start: t.span.start, end: elseExpr.span.end } };
    }
    // `mod` is an operator, but MOD(a, b) in function position is the builtin.
    const modCall = t.kind === 'ident' && t.text.toLowerCase() === 'mod' && this.tokens[this.i + 1]?.text === '(';
    if ((t.kind === 'ident' && (!RESERVED_WORDS.has(t.text.toLowerCase()) || modCall)) || (t.kind === 'string' && !t.triple)) {
      this.i++;
      const name: NameRef = { key: nameKey(t.text), text: t.text, span: t.span };
      if (this.isOp('(')) {
        this.i++;
        const args: Expr[] = [];
        if (!this.isOp(')')) {
          for (;;) {
            args.push(this.expression());
            if (this.isOp(',')) {
              this.i++;
              continue;
            }
            break;
          }
        }
        this.expectOp(')', `to close the arguments of ${t.text}(…)`);
        return { kind: 'call', name, args, span: { start: t.span.start, end: this.prev().span.end } };
      }
      if (this.isOp('[')) {
        const open = this.next();
        const subscripts = this.subscriptItems(open);
        return { kind: 'ref', name, subscripts, span: { start: t.span.start, end: this.prev().span.end } };
      }
      return { kind: 'ref', name, span: t.span };
    }
    if (t.kind === 'newline' || t.kind === 'eof') this.fail(t, 'The equation is incomplete: expected a number, a name or "(" before the end of the line.');
    this.fail(t, `Expected a number, a name or "(" in the equation, found ${describe(t)}.`);
  }

  /** Reads the items of `[a, b]` after the opening bracket, through the closing one. */
  private subscriptItems(open: Token): SubscriptItem[] {
    const items: SubscriptItem[] = [];
    for (;;) {
      if (this.isOp(']')) this.fail(this.peek(), 'Expected an element or dimension name inside the brackets.');
      const t = this.peek();
      const next = this.tokens[this.i + 1]?.text;
      if (t.kind === 'string' && !t.triple && (next === ',' || next === ']')) {
        this.i++;
        items.push({ text: t.text, span: t.span }); // a quoted element name means exactly its text
      } else {
        items.push(this.rawUntil([','], 'an element or dimension name'));
      }
      if (this.isOp(',')) {
        this.i++;
        continue;
      }
      if (!this.isOp(']')) this.fail(this.peek(), `Expected "]" to close the brackets opened at line ${open.span.start.line}, column ${open.span.start.column}.`);
      this.i++;
      return items;
    }
  }

  /**
   * Source text from here up to (not including) a top-level stop operator or `]`/newline.
   * Element names like `65-69` are several tokens; the text between them is what they mean.
   */
  private rawUntil(stops: string[], what: string, allowEmpty = false): SubscriptItem {
    const first = this.peek();
    let depth = 0;
    let last: Token | undefined;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'newline' || t.kind === 'eof') break;
      if (t.kind === 'op') {
        if (depth === 0 && (stops.includes(t.text) || t.text === ']')) break;
        if (t.text === '(' || t.text === '[') depth++;
        if (t.text === ')' || t.text === ']') depth--;
      }
      last = t;
      this.i++;
    }
    if (!last) {
      if (allowEmpty) return { text: '', span: { start: first.span.start, end: first.span.start } };
      this.fail(first, `Expected ${what}, found ${describe(first)}.`);
    }
    const text = this.source.slice(first.span.start.offset - this.base, last.span.end.offset - this.base).trim();
    return { text, span: { start: first.span.start, end: last.span.end } };
  }

  // ---- token helpers ----------------------------------------------------------------------

  private name(what: string): NameRef {
    const t = this.peek();
    if ((t.kind === 'ident' && !RESERVED_WORDS.has(t.text.toLowerCase())) || (t.kind === 'string' && !t.triple)) {
      this.i++;
      if (t.kind === 'string' && t.text.trim() === '') this.fail(t, 'A name cannot be empty.');
      return { key: nameKey(t.text), text: t.text.replace(/\s+/g, ' ').trim(), span: t.span };
    }
    const next = this.tokens[this.i + 1];
    if (t.kind === 'number' && next?.kind === 'ident' && !next.spaceBefore) {
      this.fail(t, `A name cannot start with a digit: write "${t.text}${next.text}" in double quotes, or start it with a letter.`);
    }
    if (t.kind === 'ident' && RESERVED_WORDS.has(t.text.toLowerCase())) {
      this.sink.error('reserved-name', t.span, `"${t.text}" is a word of the equation language (if, then, else, and, or, not, mod); choose another name for this ${what.replace(/^a name for the /, '')}.`);
      throw new SyntaxAbort('reserved word');
    }
    this.fail(t, `Expected ${what}, found ${describe(t)}. Names with spaces or symbols go in double quotes, like "People in care".`);
  }

  /**
   * A name being declared or listed (not inside an equation). `ageing out` without quotes is
   * reported with the fix, and read as the quoted name so the rest of the line still parses.
   */
  private declaredName(what: string): NameRef {
    const first = this.name(what);
    const words = [first.text];
    let last = first.span;
    while (this.peek().kind === 'ident' && !RESERVED_WORDS.has(this.peek().text.toLowerCase())) {
      const t = this.next();
      words.push(t.text);
      last = t.span;
    }
    if (words.length === 1) return first;
    const text = words.join(' ');
    const span = { start: first.span.start, end: last.end };
    this.sink.error('syntax', span, `A name with spaces must be written in double quotes: "${text}" (or use underscores: ${words.join('_')}).`, text);
    return { key: nameKey(text), text, span };
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private prev(): Token {
    return this.tokens[Math.max(0, this.i - 1)]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }

  private expectOp(text: string, context: string): void {
    if (!this.isOp(text)) this.fail(this.peek(), `Expected "${text}" ${context}, found ${describe(this.peek())}.`);
    this.i++;
  }

  private expectWord(word: string, context: string): void {
    if (!this.isWord(word)) this.fail(this.peek(), `Expected "${word}" ${context}, found ${describe(this.peek())}.`);
    this.i++;
  }

  private endOfLine(after: string): void {
    const t = this.peek();
    if (t.kind === 'newline' || t.kind === 'eof') return;
    const before = this.prev();
    if (t.kind === 'ident' && before.kind === 'ident' && !RESERVED_WORDS.has(t.text.toLowerCase())) {
      // `length of stay` in an equation: several words where one name was expected.
      const words = [before.text];
      for (let j = this.i; this.tokens[j]?.kind === 'ident'; j++) words.push(this.tokens[j]!.text);
      const joined = words.join(' ');
      this.fail(t, `Unexpected ${describe(t)} after ${after}. If you meant the name "${joined}", write it in double quotes (or as ${words.join('_')}).`);
    }
    this.fail(t, `Unexpected ${describe(t)} after ${after}; expected the end of the line.`);
  }

  private skipLine(): void {
    while (this.peek().kind !== 'newline' && this.peek().kind !== 'eof') this.i++;
  }

  private spanFrom(start: Token): SourceSpan {
    return { start: start.span.start, end: this.prev().span.end };
  }

  private fail(t: Token, message: string): never {
    if (!t.reported) this.sink.error('syntax', t.kind === 'eof' || t.kind === 'newline' ? this.endOfText(t) : t.span, message);
    throw new SyntaxAbort(message);
  }

  /** Where a line ends: just after its last token, rather than at the start of the next line. */
  private endOfText(end: Token): SourceSpan {
    const at = this.tokens.indexOf(end);
    const before = at > 0 ? this.tokens[at - 1] : undefined;
    return before && before.kind !== 'newline' ? { start: before.span.end, end: before.span.end } : end.span;
  }
}

function binary(op: BinaryOp, left: Expr, right: Expr, opSpan: SourceSpan): Expr {
  return { kind: 'binary', op, left, right, span: { start: left.span.start, end: right.span.end }, opSpan };
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the file';
    case 'newline':
      return 'the end of the line';
    case 'string':
      return `"${t.text}"`;
    case 'invalid':
      return `character '${t.text}'`;
    default:
      return `'${t.text}'`;
  }
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}
