/**
 * The `.cwm` model language for the editor: diagnostics, a symbol table, completions, hovers,
 * go-to-definition, quick fixes and the Monarch highlighting grammar.
 *
 * Pure TypeScript over the engine (no DOM, no Monaco), so it runs in the analysis worker, in the UI
 * thread behind the Monaco providers, and under Node in the tests. Positions are 1-based lines and
 * columns (UTF-16 code units, as in Monaco and the engine's diagnostics); end columns are exclusive.
 * An `Analysis` is plain JSON, so it can be posted from the worker as it is.
 */
import { bindDataTables, parseModel, checkModel, lowerModel, sortDiagnostics, BUILTINS, builtinNamesForCompletion, type Diagnostic, type ModelAst } from '../../../engine/src/index.js';
import { DiagnosticSink } from '../../../engine/src/diagnostics.js';
import { tokenize } from '../../../engine/src/language/lexer.js';
import { printName } from '../../../engine/src/language/print.js';
import type { SourcePos, Token } from '../../../engine/src/language/tokens.js';
import type { VarDecl, VarKind } from '../../../engine/src/language/ast.js';
import { lineIndexAt, lineStarts } from '../../../engine/src/lines.js';
import { nameKey } from '../../../engine/src/names.js';
import { COMMISSIONING_SNIPPETS } from './snippets.js';

// ---- types --------------------------------------------------------------------------------

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** 1-based, end exclusive: the same fields as a `Diagnostic`. */
export interface Range {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface SymbolInfo {
  /** Display name, as declared (without quotes). */
  readonly name: string;
  /** Lookup key: case, spaces and underscores folded (`nameKey`). */
  readonly key: string;
  readonly kind: VarKind;
  /** Dimension names, as written in the declaration. */
  readonly dimensions: readonly string[];
  readonly units?: string;
  readonly doc?: string;
  /** The equation after `=` as written (the expression, or the list of values), if any. */
  readonly equation?: string;
  /** Element equations as written: `[85+] = 0`. */
  readonly elementEquations: readonly string[];
  /** The first line of the declaration, trimmed. */
  readonly firstLine: string;
  /** The declaration as written, without its documentation (at most a dozen lines), for hovers. */
  readonly definition: string;
  readonly inflows: readonly string[];
  readonly outflows: readonly string[];
  readonly nonNegative: boolean;
  /** The name in its declaration. */
  readonly range: Range;
  /** The whole declaration: head and property lines. */
  readonly declarationRange: Range;
  /** Just after the name, dimensions and units: where `= …` goes. */
  readonly headEnd: Position;
}

export interface DimensionInfo {
  readonly name: string;
  readonly key: string;
  readonly elements: readonly string[];
  readonly mapsTo: readonly string[];
  readonly doc?: string;
  readonly range: Range;
  readonly declarationRange: Range;
}

export interface Analysis {
  readonly file: string;
  readonly title?: string;
  /** Errors and warnings from parsing, checking and lowering, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  /** Declared variables in source order (the first declaration of a name only). */
  readonly symbols: readonly SymbolInfo[];
  readonly dimensions: readonly DimensionInfo[];
  /** Unit names used in the model's units brackets and its time unit, sorted. */
  readonly units: readonly string[];
  readonly timeUnit?: string;
  /** Added by the editor from the open project (not by `analyse`), for completing `data:` lines. */
  readonly dataTables?: readonly DataTableNames[];
}

export type CompletionKind = 'variable' | 'function' | 'constant' | 'keyword' | 'property' | 'dimension' | 'element' | 'unit' | 'value' | 'snippet';

export interface CompletionItem {
  readonly label: string;
  readonly kind: CompletionKind;
  /** Plain text, or a snippet (`${1:x}` placeholders) when `snippet` is set. */
  readonly insertText: string;
  readonly snippet?: boolean;
  /** The text the editor replaces (from the start of the word being typed to the cursor, or further). */
  readonly range: Range;
  /** What the typed prefix is matched against, when not the label. */
  readonly filterText?: string;
  readonly sortText?: string;
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
}

export interface HoverResult {
  /** Markdown. */
  readonly markdown: string;
  readonly range: Range;
}

export interface TextEdit {
  readonly range: Range;
  readonly text: string;
}

export interface QuickFix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The obvious fix (the editor may apply it with a single keystroke). */
  readonly isPreferred?: boolean;
}

// ---- analysis -----------------------------------------------------------------------------

/** Parses, checks and lowers the model (never runs it: no code is generated), collecting every diagnostic. */
export function analyse(text: string, file = 'model.cwm'): Analysis {
  const parsed = parseModel(text, file);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  try {
    // The project's tables are not at hand here: a data graph gets a placeholder, its run the real table.
    const bound = bindDataTables(parsed.ast, undefined, { placeholders: true });
    const checked = checkModel(bound.ast);
    diagnostics.push(...checked.diagnostics);
    const sink = new DiagnosticSink(file);
    const clean = checked.model && !diagnostics.some((d) => d.severity === 'error');
    if (clean) {
      lowerModel(checked.model!, sink);
      diagnostics.push(...sink.items);
    } else {
      // As the compiler does: loops are reported even while other errors are being fixed.
      const partial = checked.partial ?? checked.model;
      try {
        if (partial) lowerModel(partial, sink, { tolerant: true });
        diagnostics.push(...sink.items.filter((d) => d.code === 'algebraic-loop' || d.code === 'init-loop'));
      } catch {
        // too broken to analyse; its other errors come first
      }
    }
  } catch (err) {
    diagnostics.push({
      severity: 'error',
      code: 'internal',
      message: `Internal error while checking the model (please report it): ${err instanceof Error ? err.message : String(err)}`,
      file,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
    });
  }
  const lines = new LineIndex(text);
  const ast = parsed.ast;
  const ends = new TokenEnds(tokenize(text, new DiagnosticSink(file)));
  return {
    file,
    ...(ast.title === undefined ? {} : { title: ast.title }),
    diagnostics: sortDiagnostics(diagnostics),
    symbols: symbolsOf(ast, text, lines, ends),
    dimensions: dimensionsOf(ast, ends),
    units: unitsOf(ast),
    ...(ast.sim?.timeUnit ? { timeUnit: ast.sim.timeUnit.value } : {}),
  };
}

/** An analysis of nothing, for providers asked before the first real one arrives. */
export function emptyAnalysis(file = 'model.cwm'): Analysis {
  return { file, diagnostics: [], symbols: [], dimensions: [], units: [] };
}

type Span = { readonly start: SourcePos; readonly end: SourcePos };

/**
 * A statement's span runs on to the line break before the next statement (past blank lines and
 * comments); this finds where its last token ends instead.
 */
class TokenEnds {
  private readonly ends: Token[];
  constructor(tokens: readonly Token[]) {
    this.ends = tokens.filter((t) => t.kind !== 'newline' && t.kind !== 'eof');
  }

  trim(span: Span): Span {
    let lo = 0;
    let hi = this.ends.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]!.span.end.offset <= span.end.offset) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    const last = best >= 0 ? this.ends[best]! : undefined;
    return last && last.span.end.offset > span.start.offset ? { start: span.start, end: last.span.end } : span;
  }
}

function symbolsOf(ast: ModelAst, text: string, lines: LineIndex, ends: TokenEnds): SymbolInfo[] {
  const seen = new Set<string>();
  const out: SymbolInfo[] = [];
  for (const decl of ast.variables) {
    if (seen.has(decl.name.key)) continue;
    seen.add(decl.name.key);
    const slice = (s: { start: { offset: number }; end: { offset: number } }): string => text.slice(s.start.offset, s.end.offset);
    const equation = decl.equation ? slice(decl.equation.span) : decl.valueList ? slice(decl.valueList.span) : undefined;
    const headEnd = headEndOf(decl, text, lines);
    const firstLine = lines.lineText(decl.span.start.line).trim();
    const span = ends.trim(decl.span);
    out.push({
      name: decl.name.text,
      key: decl.name.key,
      kind: decl.kind,
      dimensions: decl.dims.map((d) => d.text),
      ...(decl.units ? { units: decl.units.text } : {}),
      ...(decl.doc === undefined ? {} : { doc: decl.doc }),
      ...(equation === undefined ? {} : { equation }),
      elementEquations: decl.elementEquations.map((e) => slice(e.span)),
      firstLine,
      definition: definitionText(lines, span.start.line, span.end.line),
      inflows: decl.inflows.map((f) => f.text),
      outflows: decl.outflows.map((f) => f.text),
      nonNegative: decl.nonNegative,
      range: rangeOf(decl.name.span),
      declarationRange: rangeOf(span),
      headEnd,
    });
  }
  return out;
}

function dimensionsOf(ast: ModelAst, ends: TokenEnds): DimensionInfo[] {
  const seen = new Set<string>();
  const out: DimensionInfo[] = [];
  for (const d of ast.dimensions) {
    if (seen.has(d.name.key)) continue;
    seen.add(d.name.key);
    out.push({
      name: d.name.text,
      key: d.name.key,
      elements: d.elements.map((e) => e.text),
      mapsTo: (d.mapsTo ?? []).map((m) => m.text),
      ...(d.doc === undefined ? {} : { doc: d.doc }),
      range: rangeOf(d.name.span),
      declarationRange: rangeOf(ends.trim(d.span)),
    });
  }
  return out;
}

/** The names in units such as `GBP/(person*week)` or `home care hours per week`: GBP, person, week, home care hours. */
export function unitNames(units: string): string[] {
  return units
    .split(/[*/^()]|\bper\b/i)
    .map((w) => w.replace(/\s+/g, ' ').trim())
    .filter((w) => w !== '' && !/^-?[0-9.]+%?$/.test(w));
}

function unitsOf(ast: ModelAst): string[] {
  const byKey = new Map<string, string>();
  const add = (name: string): void => {
    const key = name.toLowerCase();
    if (!byKey.has(key)) byKey.set(key, name);
  };
  for (const v of ast.variables) if (v.units) unitNames(v.units.text).forEach(add);
  if (ast.sim?.timeUnit) unitNames(ast.sim.timeUnit.value).forEach(add);
  return [...byKey.values()].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
}

/** Just after `name[dims] [units]`: where an `= …` belongs. */
function headEndOf(decl: VarDecl, text: string, lines: LineIndex): Position {
  if (decl.units) return { line: decl.units.span.end.line, column: decl.units.span.end.column };
  const lastDim = decl.dims[decl.dims.length - 1];
  if (lastDim) {
    const close = text.indexOf(']', lastDim.span.end.offset);
    const newline = text.indexOf('\n', lastDim.span.end.offset);
    if (close >= 0 && (newline < 0 || close < newline)) return lines.positionAt(close + 1);
    return { line: lastDim.span.end.line, column: lastDim.span.end.column };
  }
  return { line: decl.name.span.end.line, column: decl.name.span.end.column };
}

/** The declaration's lines without its `doc:` property (which the hover shows as text). */
function definitionText(lines: LineIndex, first: number, last: number): string {
  const out: string[] = [];
  let inDoc = false;
  for (let n = first; n <= last; n++) {
    const line = lines.lineText(n);
    if (inDoc) {
      if (line.includes('"""')) inDoc = false;
      continue;
    }
    const doc = /^\s*doc\s*:\s*(.*)$/i.exec(line);
    if (doc) {
      const rest = doc[1]!;
      if (rest.startsWith('"""') && !rest.slice(3).includes('"""')) inDoc = true;
      continue;
    }
    out.push(line.replace(/\s+$/, ''));
  }
  const MAX = 12;
  return out.length > MAX ? [...out.slice(0, MAX), '  …'].join('\n') : out.join('\n');
}

function rangeOf(span: { readonly start: Position; readonly end: Position }): Range {
  return { line: span.start.line, column: span.start.column, endLine: span.end.line, endColumn: span.end.column };
}

class LineIndex {
  private readonly starts: number[];
  constructor(private readonly text: string) {
    this.starts = lineStarts(text);
  }

  get count(): number {
    return this.starts.length;
  }

  /** The line's text, without its line break (1-based; '' outside the text). */
  lineText(line: number): string {
    if (line < 1 || line > this.starts.length) return '';
    const start = this.starts[line - 1]!;
    const end = line < this.starts.length ? this.starts[line]! - 1 : this.text.length;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  offsetAt(line: number, column: number): number {
    const start = this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1]!;
    return Math.min(start + column - 1, this.text.length);
  }

  positionAt(offset: number): Position {
    const lo = lineIndexAt(this.starts, offset);
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

// ---- reading a line around the cursor ----------------------------------------------------

const VAR_KINDS: readonly VarKind[] = ['stock', 'flow', 'aux', 'const', 'graph'];
const STATEMENT_WORDS = ['stock', 'flow', 'aux', 'const', 'graph', 'dimension', 'simulation', 'model'] as const;
type StatementWord = (typeof STATEMENT_WORDS)[number];
const EXPRESSION_WORDS = ['if', 'then', 'else', 'and', 'or', 'not', 'mod'] as const;
const BUILTIN_CONSTANT_DOCS: ReadonlyMap<string, string> = new Map([
  ['TIME', 'the current simulation time'],
  ['DT', 'the time step'],
  ['STARTTIME', 'the start time of the run'],
  ['STOPTIME', 'the stop time of the run'],
  ['PI', 'π, 3.14159…'],
  ['INF', 'infinity (for an unlimited capacity)'],
]);

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}_$£€]/u.test(c);
}

interface StatementHead {
  readonly word: StatementWord;
  /** Where the declared name ends (0-based index in the line), when there is one. */
  readonly nameEnd?: number;
  readonly name?: string;
}

const HEAD = /^(\s*)(stock|flow|aux|const|graph|dimension|simulation|model)(?=\s|$)(?!\s*:)/i;
const HEAD_NAME = /^(\s+)("(?:[^"\\]|\\.)*"?|[\p{L}_$£€][\p{L}\p{N}_$£€]*)/u;

/** `stock "Name"[Dim] …`: which statement the line starts, and where its name ends. */
function statementHead(line: string): StatementHead | undefined {
  const m = HEAD.exec(line);
  if (!m) return undefined;
  const word = m[2]!.toLowerCase() as StatementWord;
  const afterWord = m[0].length;
  const n = HEAD_NAME.exec(line.slice(afterWord));
  if (!n || word === 'simulation') return { word };
  const raw = n[2]!;
  const name = raw.startsWith('"') ? raw.slice(1, raw.endsWith('"') && raw.length > 1 ? -1 : undefined).replace(/\\(["\\])/g, '$1') : raw;
  return { word, nameEnd: afterWord + n[0].length, name };
}

type BracketKind = 'dims' | 'units' | 'subscript' | 'element' | 'paren';

interface Bracket {
  readonly kind: BracketKind;
  /** 0-based index of the bracket in the line. */
  readonly index: number;
  /** The name written just before a subscript bracket, or the function before a parenthesis. */
  readonly owner?: string;
  /** Commas seen so far inside this bracket. */
  argIndex: number;
}

interface LineScan {
  readonly inComment: boolean;
  /** The line opens a triple-quoted text that is still open at the cursor. */
  readonly inTriple: boolean;
  /** 0-based index of a double quote still open at the cursor. */
  readonly quote?: number;
  readonly brackets: readonly Bracket[];
  /** A `=` outside brackets before the cursor: the equation has started. */
  readonly seenEquals: boolean;
}

/** Reads `line` up to (not including) index `upto`, tracking quotes, comments and brackets. */
function scanLine(line: string, upto: number, head: StatementHead | undefined): LineScan {
  const brackets: Bracket[] = [];
  let seenEquals = false;
  let lastName: { text: string; end: number } | undefined;
  const firstNonBlank = line.search(/\S/);
  const propertyElementLine = !head && firstNonBlank >= 0 && line[firstNonBlank] === '[';
  let i = 0;
  while (i < upto) {
    const c = line[i]!;
    if (c === '#') return { inComment: true, inTriple: false, brackets, seenEquals };
    if (c === '"') {
      if (line.startsWith('"""', i)) {
        const close = line.indexOf('"""', i + 3);
        if (close < 0 || close + 3 > upto) return { inComment: false, inTriple: true, brackets, seenEquals };
        i = close + 3;
        lastName = undefined;
        continue;
      }
      let j = i + 1;
      let closed = false;
      while (j < upto) {
        if (line[j] === '\\' && (line[j + 1] === '"' || line[j + 1] === '\\')) {
          j += 2;
          continue;
        }
        if (line[j] === '"') {
          closed = true;
          break;
        }
        j++;
      }
      if (!closed) return { inComment: false, inTriple: false, quote: i, brackets, seenEquals };
      lastName = { text: line.slice(i + 1, j).replace(/\\(["\\])/g, '$1'), end: j + 1 };
      i = j + 1;
      continue;
    }
    if (isIdentChar(c)) {
      let j = i;
      while (j < line.length && isIdentChar(line[j])) j++;
      lastName = { text: line.slice(i, j), end: j };
      i = j;
      continue;
    }
    const top = brackets[brackets.length - 1];
    switch (c) {
      case '[': {
        let kind: BracketKind;
        if (head && VAR_KINDS.includes(head.word as VarKind) && !seenEquals && brackets.length === 0) {
          kind = head.nameEnd === i && !line.slice(0, i).includes('[') ? 'dims' : 'units';
        } else if (propertyElementLine && i === firstNonBlank) {
          kind = 'element';
        } else {
          kind = 'subscript';
        }
        const owner = kind === 'subscript' && lastName && line.slice(lastName.end, i).trim() === '' ? lastName.text : undefined;
        brackets.push({ kind, index: i, argIndex: 0, ...(owner === undefined ? {} : { owner }) });
        lastName = undefined;
        break;
      }
      case '(': {
        const owner = lastName && line.slice(lastName.end, i).trim() === '' ? lastName.text : undefined;
        brackets.push({ kind: 'paren', index: i, argIndex: 0, ...(owner === undefined ? {} : { owner }) });
        lastName = undefined;
        break;
      }
      case ']':
      case ')':
        brackets.pop();
        lastName = undefined;
        break;
      case ',':
        if (top) top.argIndex++;
        lastName = undefined;
        break;
      case '=':
        if (brackets.length === 0 && !'<>!='.includes(line[i - 1] ?? '') && line[i + 1] !== '=') seenEquals = true;
        lastName = undefined;
        break;
      case ' ':
      case '\t':
        break; // `x [85+]` is still a subscript of x
      default:
        lastName = undefined;
    }
    i++;
  }
  return { inComment: false, inTriple: false, brackets, seenEquals };
}

/** Whether `offset` is inside a triple-quoted text (counting `"""` outside comments and quotes before it). */
function insideTripleQuote(text: string, offset: number): boolean {
  let inside = false;
  let i = 0;
  while (i < offset) {
    if (inside) {
      const close = text.indexOf('"""', i);
      if (close < 0 || close + 3 > offset) return true;
      inside = false;
      i = close + 3;
      continue;
    }
    const c = text[i];
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0 || nl >= offset) return false;
      i = nl + 1;
      continue;
    }
    if (c === '"') {
      if (text.startsWith('"""', i)) {
        inside = true;
        i += 3;
        continue;
      }
      // a one-line quoted name or text
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    i++;
  }
  return inside;
}

const CONTINUING_END = /(?:[-+*/^,;=<>([]|<=|>=|<>|==|!=|\b(?:and|or|not|if|then|else|mod))\s*$/i;

/**
 * Whether the line before `line` (skipping comment lines) carries on into it, as a wrapped
 * equation does. After a blank line, a dimension's elements (`85+`) or a property, a new line is
 * more likely a new statement.
 */
function previousLineContinues(lines: LineIndex, line: number): boolean {
  for (let n = line - 1; n >= 1; n--) {
    const text = lines.lineText(n);
    if (/^\s*#/.test(text)) continue;
    const raw = stripComment(text).trimEnd();
    if (raw.trim() === '') return false;
    const head = statementHead(raw);
    if (head && !VAR_KINDS.includes(head.word as VarKind)) return false;
    if (!head && PROPERTY_KEY.test(raw) && !/^\s*(?:start|stop|dt|save every|seed)\s*:/i.test(raw)) return false;
    return CONTINUING_END.test(raw);
  }
  return false;
}

function stripComment(line: string): string {
  let quote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quote = !quote;
    else if (c === '#' && !quote) return line.slice(0, i);
  }
  return line;
}

/** The statement a property line belongs to: the nearest statement line above. */
function ownerStatement(lines: LineIndex, line: number): StatementHead | undefined {
  for (let n = line - 1; n >= 1; n--) {
    const head = statementHead(lines.lineText(n));
    if (head) return head;
  }
  return undefined;
}

const PROPERTY_KEY = /^\s*((?:[A-Za-z]+)(?: [A-Za-z]+)?)\s*:/;

/** The project's data tables, for completing `data:` lines (the analysis itself never sees them). */
export interface DataTableNames {
  readonly name: string;
  readonly columns: readonly string[];
}

// ---- completions --------------------------------------------------------------------------

const PROPERTIES: Record<StatementWord, readonly (readonly [label: string, insert: string, doc: string])[]> = {
  stock: [
    ['inflow:', 'inflow: ', 'The flows that fill this stock, separated by commas.'],
    ['outflow:', 'outflow: ', 'The flows that drain this stock, separated by commas.'],
    ['non-negative', 'non-negative', 'The stock cannot be drained below zero: outflows are limited to what it holds.'],
    ['conveyor', 'conveyor', 'A conveyor: what enters stays the transit time, then leaves by its outflow (its other outflows are leakages).'],
    ['transit time:', 'transit time: ', 'Conveyors: how long what enters stays, in time units (a length of stay).'],
    ['capacity:', 'capacity: ', 'Conveyors: the most it holds (places); inflows are limited to the places free.'],
    ['inflow limit:', 'inflow limit: ', 'Conveyors: the most that may enter per time unit, all inflows together.'],
    ['arrest:', 'arrest: ', 'Conveyors: while this is not 0, nothing enters, moves or leaves.'],
    ['sample:', 'sample: ', 'Conveyors: the transit time of new entries is read again only when this is not 0.'],
    ['queue', 'queue', 'A queue: first in, first out; its outflows take from the head, all they can unless their equation or a full conveyor limits them.'],
    ['doc:', 'doc: ', 'What the stock means, in quotes.'],
  ],
  flow: [
    ['non-negative', 'non-negative', 'The flow is never below zero.'],
    ['leak fraction:', 'leak fraction: ', 'A leakage of a conveyor: the fraction of those entering lost during the stay (linear).'],
    ['leak rate:', 'leak rate: ', 'A leakage of a conveyor: the fraction of those on it lost per time unit (exponential).'],
    ['leak zone:', 'leak zone: ${1:0}, ${2:1}', 'Where along the conveyor the leakage happens, as fractions of the stay from the entry.'],
    ['overflow', 'overflow', 'An overflow of a queue: takes what its other outflows cannot pass on to a full conveyor.'],
    ['doc:', 'doc: ', 'What the flow means, in quotes.'],
  ],
  aux: [
    ['doc:', 'doc: ', 'What the variable means, in quotes.'],
    ['target:', 'target: ', 'Makes it an indicator: the value it should reach (with "better:").'],
    ['better:', 'better: ', 'Which way the indicator should go: lower or higher.'],
    ['amber:', 'amber: 10%', 'How far short of the target still counts as amber (default 10% of the target).'],
  ],
  const: [['doc:', 'doc: ', 'What the constant means and where its value comes from, in quotes.']],
  graph: [
    ['points:', 'points: (${1:0}, ${2:0}), (${3:1}, ${4:1})', 'The graph\'s points as (x, y) pairs, x increasing.'],
    ['x:', 'x: ', 'The x values of the points (with a "y:" line).'],
    ['y:', 'y: ', 'The y values of the points (with an "x:" line).'],
    ['interpolation:', 'interpolation: ', 'continuous (default), extrapolate or discrete.'],
    ['data:', 'data: "${1:table}"', 'Read the points from a project data table (population projections by year, say).'],
    ['data x:', 'data x: "${1:year}"', 'The table\'s column of times (default: a column called year or time).'],
    ['data y:', 'data y: "${1:value}"', 'The table\'s column of values (arrayed graphs: columns named like the elements, or a key column).'],
    ['data where:', 'data where: "${1:area}" = "${2:value}"', 'Only the table\'s rows with these values.'],
    ['doc:', 'doc: ', 'What the graph means, in quotes.'],
  ],
  dimension: [['doc:', 'doc: ', 'What the dimension means, in quotes.']],
  model: [['doc:', 'doc: ', 'What the model is for, in quotes (""" for several lines).']],
  simulation: [
    ['start:', 'start: ', 'The start time.'],
    ['stop:', 'stop: ', 'The stop time.'],
    ['dt:', 'dt: ', 'The time step (any constant expression, such as 1/4).'],
    ['save every:', 'save every: ', 'How often results are saved: a multiple of dt (default: dt).'],
    ['method:', 'method: ', 'Integration method: euler (default), rk2 or rk4.'],
    ['time unit:', 'time unit: ', 'The unit of time, such as year or week.'],
    ['seed:', 'seed: ', 'The random seed for UNIFORM, NORMAL, … (default 0).'],
    ['stop at:', 'stop at: ', 'End the run once TIME reaches this variable\'s value (at most stop).'],
  ],
};

const STATEMENT_DOCS: Record<StatementWord, string> = {
  stock: 'A stock: an accumulation, changed only by its inflows and outflows. `stock Name [units] = initial value`',
  flow: 'A flow: a rate that fills or drains stocks. `flow Name [units/time] = equation`',
  aux: 'An auxiliary variable, computed from others at every step. `aux Name [units] = equation`',
  const: 'A constant: a value that does not change during the run. `const Name [units] = value`',
  graph: 'A graphical function (a table of points). `graph Name [units] = input` with a `points:` line',
  dimension: 'A dimension for arrays. `dimension AgeBand: 65-74, 75-84, 85+`',
  simulation: 'The simulation settings: start, stop, dt, save every, method, time unit, seed.',
  model: 'The model\'s title and documentation. `model "Title"`',
};

const EXPRESSION_WORD_DOCS: Record<(typeof EXPRESSION_WORDS)[number], string> = {
  if: '`if condition then a else b`',
  then: '`if condition then a else b`',
  else: '`if condition then a else b`',
  and: 'true (1) when both sides are true',
  or: 'true (1) when either side is true',
  not: 'true (1) when its operand is false (0); write `not (a < b)`',
  mod: '`a mod b`: remainder with the sign of b',
};

const CHOICES: Record<string, readonly (readonly [string, string])[]> = {
  method: [
    ['euler', 'Euler integration (the default)'],
    ['rk2', 'Runge-Kutta 2 (Heun)'],
    ['rk4', 'Runge-Kutta 4'],
  ],
  better: [
    ['lower', 'the indicator should be at or below its target (admissions, delays, cost)'],
    ['higher', 'the indicator should be at or above its target (people still at home, satisfaction)'],
  ],
  interpolation: [
    ['continuous', 'straight lines between points, flat beyond the ends (default)'],
    ['extrapolate', 'straight lines between points, continued beyond the ends'],
    ['discrete', 'steps: each point holds until the next'],
  ],
};

const COMMON_UNITS = ['people', 'year', 'month', 'week', 'day', 'hour', 'GBP', '1'];

interface CompletionContext {
  readonly analysis: Analysis;
  readonly lines: LineIndex;
  readonly line: number;
  readonly lineText: string;
  /** 0-based index of the cursor in the line. */
  readonly cursor: number;
}

/** The data table named on the `data:` line of the declaration that `line` belongs to. */
function tableOfDeclaration(analysis: Analysis, lines: LineIndex, line: number): DataTableNames | undefined {
  for (let l = line; l >= 1; l--) {
    const text = lines.lineText(l);
    const m = /^\s*data\s*:\s*"([^"]*)"/.exec(text);
    if (m) return analysis.dataTables?.find((t) => t.name.toLowerCase() === m[1]!.trim().toLowerCase());
    if (statementHead(text)) return undefined;
  }
  return undefined;
}

/** What may be typed at `line`/`column` of `text`. */
export function completions(analysis: Analysis, text: string, line: number, column: number): CompletionItem[] {
  const lines = new LineIndex(text);
  const lineText = lines.lineText(line);
  const cursor = Math.max(0, Math.min(column - 1, lineText.length));
  if (insideTripleQuote(text, lines.offsetAt(line, cursor + 1))) return [];
  const head = statementHead(lineText);
  const scan = scanLine(lineText, cursor, head);
  if (scan.inComment || scan.inTriple) return [];
  const ctx: CompletionContext = { analysis, lines, line, lineText, cursor };
  const property = head ? undefined : PROPERTY_KEY.exec(lineText);
  const propertyKey = property && property[0].length <= cursor ? property[1]!.toLowerCase() : undefined;

  if (scan.quote !== undefined) {
    // Typing a quoted name.
    const q = scan.quote;
    if (head && (head.word === 'model' || head.word === 'dimension' || head.word === 'simulation')) return [];
    if (head && !scan.seenEquals && scan.brackets.length === 0) return []; // the name being declared
    if (propertyKey === 'doc') return [];
    const after = /^[^"*/+\-()[\],=<>^#]*"/.exec(lineText.slice(cursor));
    const range = lineRange(line, q, after ? cursor + after[0].length : cursor);
    const quoted = (s: SymbolInfo): CompletionItem => ({ ...variableItem(s, range), insertText: quotedName(s.name), filterText: quotedName(s.name) });
    const top = scan.brackets[scan.brackets.length - 1];
    if (top && top.kind !== 'paren') return []; // quoted element names are rare; nothing sensible to offer
    if (propertyKey === 'data') {
      return (analysis.dataTables ?? []).map((t) => ({ label: t.name, kind: 'value' as const, insertText: `"${t.name.replace(/"/g, '')}"`, range, filterText: `"${t.name}`, detail: 'data table', documentation: `Columns: ${t.columns.join(', ')}` }));
    }
    if (propertyKey === 'data x' || propertyKey === 'data y' || propertyKey === 'data where') {
      const table = tableOfDeclaration(analysis, lines, line);
      return (table?.columns ?? []).map((c) => ({ label: c, kind: 'value' as const, insertText: `"${c.replace(/"/g, '')}"`, range, filterText: `"${c}`, detail: `column of ${table!.name}` }));
    }
    if (propertyKey === 'inflow' || propertyKey === 'inflows' || propertyKey === 'outflow' || propertyKey === 'outflows') {
      return analysis.symbols.filter((s) => s.kind === 'flow').map(quoted);
    }
    return analysis.symbols.map(quoted);
  }

  const top = scan.brackets[scan.brackets.length - 1];
  if (top && top.kind !== 'paren') return bracketCompletions(ctx, top);

  let wordStart = cursor;
  while (wordStart > 0 && isIdentChar(lineText[wordStart - 1])) wordStart--;
  const range = lineRange(line, wordStart, cursor);
  const before = lineText.slice(0, wordStart);

  if (before.trim() === '') {
    if (top || previousLineContinues(lines, line)) return expressionItems(analysis, range);
    return lineStartItems(ctx, range);
  }
  if (head) {
    if (VAR_KINDS.includes(head.word as VarKind) && scan.seenEquals) return expressionItems(analysis, range);
    return [];
  }
  if (propertyKey !== undefined) {
    const afterColon = lineText.slice(property![0].length, wordStart);
    const lead = afterColon === '' ? ' ' : '';
    switch (propertyKey) {
      case 'inflow':
      case 'inflows':
      case 'outflow':
      case 'outflows':
        return analysis.symbols.filter((s) => s.kind === 'flow').map((s) => ({ ...variableItem(s, range), insertText: lead + printName(s.name) }));
      case 'stop at':
        return analysis.symbols.map((s) => ({ ...variableItem(s, range), insertText: lead + printName(s.name) }));
      case 'method':
      case 'interpolation':
      case 'better':
        return CHOICES[propertyKey]!.map(([label, doc]) => ({ label, kind: 'value', insertText: lead + label, range, filterText: label, documentation: doc }));
      case 'time unit':
        return unitItems(analysis, range, lead);
      default:
        return []; // doc text, numbers, points
    }
  }
  if (/^\s*\[/.test(lineText)) return scan.seenEquals ? expressionItems(analysis, range) : [];
  return expressionItems(analysis, range); // a wrapped equation
}

function lineRange(line: number, start: number, end: number): Range {
  return { line, column: start + 1, endLine: line, endColumn: end + 1 };
}

function quotedName(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function variableItem(s: SymbolInfo, range: Range): CompletionItem {
  return {
    label: s.name,
    kind: 'variable',
    insertText: printName(s.name),
    range,
    filterText: s.name,
    sortText: `1 ${s.name.toLowerCase()}`,
    detail: `${s.kind}${s.dimensions.length ? `[${s.dimensions.join(', ')}]` : ''}${s.units !== undefined ? ` [${s.units}]` : ''}`,
    ...(s.doc ? { documentation: s.doc } : s.equation !== undefined ? { documentation: '```cwm\n' + s.firstLine + '\n```' } : {}),
  };
}

function expressionItems(analysis: Analysis, range: Range): CompletionItem[] {
  const items: CompletionItem[] = analysis.symbols.map((s) => variableItem(s, range));
  for (const info of BUILTINS.values()) {
    const name = info.name.replace(/ /g, '_');
    items.push({
      label: name,
      kind: 'function',
      insertText: builtinSnippet(info.signature, name),
      snippet: true,
      range,
      sortText: `2 ${name.toLowerCase()}`,
      detail: info.signature,
      documentation: info.summary,
    });
  }
  for (const name of builtinNamesForCompletion()) {
    const doc = BUILTIN_CONSTANT_DOCS.get(name);
    if (doc === undefined) continue;
    items.push({ label: name, kind: 'constant', insertText: name, range, sortText: `2 ${name.toLowerCase()}`, detail: 'built-in value', documentation: doc });
  }
  for (const word of EXPRESSION_WORDS) {
    items.push({ label: word, kind: 'keyword', insertText: word, range, sortText: `3 ${word}`, documentation: EXPRESSION_WORD_DOCS[word] });
  }
  return items;
}

/** `SMTH1(input, averaging time [, initial])` → `SMTH1(${1:input}, ${2:averaging time})`. */
function builtinSnippet(signature: string, name: string): string {
  const first = signature.split(' or ')[0]!;
  const open = first.indexOf('(');
  const inner = open >= 0 ? first.slice(open + 1, first.lastIndexOf(')')) : '';
  const required = inner
    .replace(/\s*\[\s*,[^\]]*\]/g, '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const escape = (s: string): string => s.replace(/[\\$}]/g, (c) => `\\${c}`);
  return `${name}(${required.map((a, i) => `\${${i + 1}:${escape(a)}}`).join(', ')})`;
}

function lineStartItems(ctx: CompletionContext, range: Range): CompletionItem[] {
  const owner = ownerStatement(ctx.lines, ctx.line);
  const indented = /^\s/.test(ctx.lineText);
  const items: CompletionItem[] = [];
  if (owner) {
    for (const [label, insert, doc] of PROPERTIES[owner.word]) {
      items.push({
        label,
        kind: 'property',
        insertText: insert,
        ...(insert.includes('${') ? { snippet: true } : {}),
        range,
        sortText: `${indented ? 1 : 3} ${label}`,
        detail: `property of ${owner.word === 'simulation' || owner.word === 'model' ? 'the' : 'a'} ${owner.word}`,
        documentation: doc,
      });
    }
  }
  for (const word of STATEMENT_WORDS) {
    items.push({ label: word, kind: 'keyword', insertText: `${word} `, range, filterText: word, sortText: `2 ${word}`, documentation: STATEMENT_DOCS[word] });
  }
  // Building blocks go in between statements, not inside one's property lines.
  if (!indented) {
    COMMISSIONING_SNIPPETS.forEach((s, i) => {
      const reads = s.reads.length ? `\n\nReads: ${s.reads.join(', ')}.` : '';
      items.push({ label: s.label, kind: 'snippet', insertText: s.body, snippet: true, range, filterText: `snippet ${s.id} ${s.label}`, sortText: `4 ${String(i).padStart(2, '0')}`, detail: 'commissioning building block', documentation: s.summary + reads });
    });
  }
  return items;
}

function bracketCompletions(ctx: CompletionContext, top: Bracket): CompletionItem[] {
  const { analysis, lineText, cursor, line } = ctx;
  if (top.kind === 'units') {
    let start = cursor;
    while (start > 0 && isIdentChar(lineText[start - 1])) start--;
    return unitItems(analysis, lineRange(line, start, cursor), '');
  }
  if (top.kind === 'dims') {
    let start = cursor;
    while (start > 0 && isIdentChar(lineText[start - 1])) start--;
    const range = lineRange(line, start, cursor);
    return analysis.dimensions.map((d) => dimensionItem(d, range));
  }
  // A subscript or an element equation: from just after `[` or `,` to the cursor.
  let start = cursor;
  while (start > top.index + 1 && lineText[start - 1] !== ',' && lineText[start - 1] !== '[') start--;
  while (start < cursor && /\s/.test(lineText[start]!)) start++;
  const range = lineRange(line, start, cursor);
  const ownerName = top.kind === 'element' ? ownerStatement(ctx.lines, ctx.line)?.name : top.owner;
  const owner = ownerName === undefined ? undefined : analysis.symbols.find((s) => s.key === nameKey(ownerName));
  const dims = owner ? owner.dimensions.map((d) => analysis.dimensions.find((x) => x.key === nameKey(d))) : [];
  const dim = dims[top.argIndex];
  const items: CompletionItem[] = [];
  const elementsOf = (d: DimensionInfo, sort: string): void => {
    d.elements.forEach((e, i) => {
      const insert = elementText(e);
      items.push({ label: e, kind: 'element', insertText: insert, range, filterText: e, sortText: `${sort} ${String(i).padStart(4, '0')}`, detail: `element ${i + 1} of ${d.name}` });
    });
  };
  if (dim) {
    elementsOf(dim, '1');
    if (top.kind === 'subscript') {
      items.push({ ...dimensionItem(dim, range), sortText: '2', detail: `dimension: the element being computed` });
      items.push({ label: '*', kind: 'value', insertText: '*', range, sortText: '3', documentation: 'Every element (only inside SUM, MEAN, MIN, MAX, PROD, STDDEV or SIZE).' });
    }
    return items;
  }
  if (owner && owner.dimensions.length > 0 && top.argIndex >= owner.dimensions.length) return [];
  for (const d of analysis.dimensions) elementsOf(d, '1');
  if (top.kind === 'subscript') {
    for (const d of analysis.dimensions) items.push({ ...dimensionItem(d, range), sortText: '2' });
    items.push({ label: '*', kind: 'value', insertText: '*', range, sortText: '3', documentation: 'Every element (only inside SUM, MEAN, MIN, MAX, PROD, STDDEV or SIZE).' });
  }
  return items;
}

/** Element names like 65-69 or 90+ are written as they are; anything that could be misread is quoted. */
function elementText(text: string): string {
  return /^(?:[\p{L}\p{N}_]+(?: [\p{L}\p{N}_]+)*\+?|\d+-\d+)$/u.test(text) ? text : quotedName(text);
}

function dimensionItem(d: DimensionInfo, range: Range): CompletionItem {
  return {
    label: d.name,
    kind: 'dimension',
    insertText: printName(d.name),
    range,
    filterText: d.name,
    detail: `dimension: ${d.elements.join(', ')}`,
    ...(d.doc ? { documentation: d.doc } : {}),
  };
}

function unitItems(analysis: Analysis, range: Range, lead: string): CompletionItem[] {
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  const add = (name: string, sort: string, detail: string): void => {
    const key = name.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    items.push({ label: name, kind: 'unit', insertText: lead + name, range, filterText: name, sortText: `${sort} ${key}`, detail });
  };
  for (const u of analysis.units) add(u, '1', 'unit used in this model');
  for (const u of COMMON_UNITS) add(u, '2', u === '1' ? 'dimensionless' : 'unit');
  return items;
}

// ---- hover and definition -----------------------------------------------------------------

interface Target {
  readonly kind: 'variable' | 'dimension' | 'element' | 'builtin' | 'constant' | 'unit' | 'keyword';
  readonly text: string;
  readonly range: Range;
  readonly symbol?: SymbolInfo;
  readonly dimension?: DimensionInfo;
}

let tokenCache: { text: string; tokens: Token[] } | undefined;

function tokensOf(text: string): Token[] {
  if (tokenCache?.text !== text) tokenCache = { text, tokens: tokenize(text, new DiagnosticSink('hover.cwm')) };
  return tokenCache.tokens;
}

/** What the name (or unit, or element) at a position refers to. */
function targetAt(analysis: Analysis, text: string, line: number, column: number): Target | undefined {
  const lines = new LineIndex(text);
  const lineText = lines.lineText(line);
  const index = column - 1;
  const head = statementHead(lineText);

  // Units and subscripts are read from the line itself: their words are not names.
  const scanAt = (i: number): LineScan => scanLine(lineText, i, head);
  const here = scanAt(Math.min(index, lineText.length));
  if (here.inComment || here.inTriple) return undefined;
  const top = here.brackets[here.brackets.length - 1];
  if (top && top.kind === 'units' && here.quote === undefined) {
    let start = index;
    let end = index;
    while (start > 0 && isIdentChar(lineText[start - 1])) start--;
    while (end < lineText.length && isIdentChar(lineText[end])) end++;
    if (start === end) return undefined;
    return { kind: 'unit', text: lineText.slice(start, end), range: lineRange(line, start, end) };
  }
  if (top && (top.kind === 'subscript' || top.kind === 'element' || top.kind === 'dims') && here.quote === undefined) {
    let start = index;
    let end = index;
    while (start > top.index + 1 && !',['.includes(lineText[start - 1]!)) start--;
    while (end < lineText.length && !',]'.includes(lineText[end]!)) end++;
    const raw = lineText.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const item = raw.trim();
    if (item === '' || item === '*') return undefined;
    const range = lineRange(line, start + lead, start + lead + item.length);
    const plain = item.replace(/^"(.*)"$/, '$1');
    const dim = analysis.dimensions.find((d) => d.key === nameKey(plain.replace(/!$/, '')));
    if (dim) return { kind: 'dimension', text: plain, range, dimension: dim };
    const dot = plain.indexOf('.');
    const qualified = dot > 0 ? analysis.dimensions.find((d) => d.key === nameKey(plain.slice(0, dot))) : undefined;
    const elementName = qualified ? plain.slice(dot + 1) : plain;
    const ownerName = top.kind === 'element' ? ownerStatement(lines, line)?.name : top.owner;
    const owner = ownerName === undefined ? undefined : analysis.symbols.find((s) => s.key === nameKey(ownerName));
    const candidates = qualified ? [qualified] : owner ? owner.dimensions.map((d) => analysis.dimensions.find((x) => x.key === nameKey(d))).filter((d): d is DimensionInfo => !!d) : analysis.dimensions;
    const inDim = candidates.find((d) => d.elements.some((e) => nameKey(e) === nameKey(elementName))) ?? analysis.dimensions.find((d) => d.elements.some((e) => nameKey(e) === nameKey(elementName)));
    if (inDim) return { kind: 'element', text: elementName, range, dimension: inDim };
    return undefined;
  }

  const tokens = tokensOf(text);
  const isName = (t: Token): boolean => t.kind === 'ident' || (t.kind === 'string' && !t.triple);
  // The character under the mouse first; failing that, a word the caret sits just after.
  let at = tokens.findIndex((t) => isName(t) && covers(t, line, column, false));
  if (at < 0) at = tokens.findIndex((t) => isName(t) && covers(t, line, column, true));
  if (at < 0) return undefined;
  const t = tokens[at]!;
  const range = rangeOf(t.span);
  if (t.kind === 'string') {
    // Documentation and titles are text, not names.
    const prev = tokens[at - 1];
    const prev2 = tokens[at - 2];
    if (prev?.text === ':' && prev2?.text.toLowerCase() === 'doc') return undefined;
    if (prev?.kind === 'ident' && prev.text.toLowerCase() === 'model' && isStatementStart(tokens, at - 1)) return undefined;
  }
  const key = nameKey(t.text);
  const symbol = analysis.symbols.find((s) => s.key === key);
  if (symbol) return { kind: 'variable', text: t.text, range, symbol };
  if (t.kind === 'ident') {
    const upper = t.text.toUpperCase();
    if (BUILTINS.has(key)) return { kind: 'builtin', text: t.text, range };
    if (BUILTIN_CONSTANT_DOCS.has(upper)) return { kind: 'constant', text: upper, range };
  }
  const dimension = analysis.dimensions.find((d) => d.key === key);
  if (dimension) return { kind: 'dimension', text: t.text, range, dimension };
  if (t.kind === 'ident' && isStatementStart(tokens, at) && (STATEMENT_WORDS as readonly string[]).includes(t.text.toLowerCase())) {
    return { kind: 'keyword', text: t.text.toLowerCase(), range };
  }
  return undefined;
}

function isStatementStart(tokens: readonly Token[], at: number): boolean {
  return at === 0 || tokens[at - 1]!.kind === 'newline';
}

function covers(t: Token, line: number, column: number, orJustAfter: boolean): boolean {
  const { start, end } = t.span;
  if (start.line !== end.line || start.line !== line) return false;
  return start.column <= column && (column < end.column || (orJustAfter && column === end.column));
}

/** Markdown about the name, unit, element or builtin at a position. */
export function hover(analysis: Analysis, text: string, line: number, column: number): HoverResult | undefined {
  const target = targetAt(analysis, text, line, column);
  if (!target) return undefined;
  const markdown = hoverMarkdown(analysis, target);
  return markdown === undefined ? undefined : { markdown, range: target.range };
}

function code(text: string): string {
  return '```cwm\n' + text + '\n```';
}

function hoverMarkdown(analysis: Analysis, target: Target): string | undefined {
  switch (target.kind) {
    case 'variable': {
      const s = target.symbol!;
      const parts = [`**${s.kind}** \`${s.name}\`${s.dimensions.length ? ` over ${s.dimensions.join(' × ')}` : ''}`];
      parts.push(s.units !== undefined ? `Units: \`${s.units || '(none)'}\`` : 'Units: not declared');
      parts.push(code(s.definition));
      if (s.doc) parts.push(s.doc);
      return parts.join('\n\n');
    }
    case 'dimension': {
      const d = target.dimension!;
      const parts = [`**dimension** \`${d.name}\`: ${d.elements.join(', ')}`];
      if (d.mapsTo.length) parts.push(`Maps to ${d.mapsTo.join(', ')}.`);
      if (d.doc) parts.push(d.doc);
      return parts.join('\n\n');
    }
    case 'element': {
      const d = target.dimension!;
      const i = d.elements.findIndex((e) => nameKey(e) === nameKey(target.text));
      return `**element** \`${d.elements[i] ?? target.text}\` of dimension \`${d.name}\` (${i + 1} of ${d.elements.length})`;
    }
    case 'builtin': {
      const info = BUILTINS.get(nameKey(target.text))!;
      return `**function** \`${info.signature}\`\n\n${capitalise(info.summary)}.`;
    }
    case 'constant':
      return `**built-in value** \`${target.text}\`: ${BUILTIN_CONSTANT_DOCS.get(target.text)}.`;
    case 'unit': {
      const key = target.text.toLowerCase();
      const users = analysis.symbols.filter((s) => s.units !== undefined && unitNames(s.units).some((u) => u.toLowerCase() === key || u.toLowerCase().split(' ').includes(key)));
      const list = users.slice(0, 8).map((s) => `\`${s.name}\``).join(', ') + (users.length > 8 ? ', …' : '');
      return `**unit** \`${target.text}\`${users.length ? `\n\nUsed by ${list}.` : ''}`;
    }
    case 'keyword':
      return STATEMENT_DOCS[target.text as StatementWord];
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Where the variable (or dimension) named at a position is declared: the range of its name there. */
export function definition(analysis: Analysis, text: string, line: number, column: number): Range | undefined {
  const target = targetAt(analysis, text, line, column);
  if (!target) return undefined;
  if (target.symbol) return target.symbol.range;
  if (target.dimension) return target.dimension.range;
  return undefined;
}

// ---- quick fixes --------------------------------------------------------------------------

/**
 * Edits that fix a diagnostic where the fix is obvious: take the checker's "did you mean"
 * suggestion, declare a missing variable or flow, add a missing equation, quote a name with spaces,
 * turn a const that changes into an aux. `text` (the current model text) places inserted lines
 * after a trailing comment; without it they go just after the declaration's last token.
 */
export function quickFixes(analysis: Analysis, diagnostic: Diagnostic, text?: string): QuickFix[] {
  const fixes: QuickFix[] = [];
  const range: Range = { line: diagnostic.line, column: diagnostic.column, endLine: diagnostic.endLine, endColumn: diagnostic.endColumn };
  const message = diagnostic.message;
  const replaceWith = (title: string, replacement: string): void => {
    fixes.push({ title, edits: [{ range, text: replacement }], isPreferred: true });
  };

  switch (diagnostic.code) {
    case 'unknown-name':
    case 'unknown-dimension': {
      const hint = /Did you mean "([^"]+)"\?/.exec(message)?.[1];
      if (hint !== undefined) replaceWith(`Change to ${printName(hint)}`, printName(hint));
      const unknown = /^Unknown variable "([^"]+)"/.exec(message)?.[1];
      if (unknown !== undefined) {
        const edit = declarationEdit(analysis, diagnostic, `aux ${printName(unknown)} = 0`, text);
        if (edit) fixes.push({ title: `Declare aux ${printName(unknown)}`, edits: [edit] });
      }
      const flow = /^The (?:inflow|outflow) "([^"]+)" of stock "([^"]+)" is not defined/.exec(message);
      if (flow) {
        const stock = analysis.symbols.find((s) => s.key === nameKey(flow[2]!));
        const units = stock?.units && analysis.timeUnit ? ` [${/[*/]/.test(stock.units) ? `(${stock.units})` : stock.units}/${analysis.timeUnit}]` : '';
        const dims = stock && stock.dimensions.length ? `[${stock.dimensions.map(printName).join(', ')}]` : '';
        const edit = declarationEdit(analysis, diagnostic, `flow ${printName(flow[1]!)}${dims}${units} = 0`, text);
        if (edit) fixes.push({ title: `Declare flow ${printName(flow[1]!)}`, edits: [edit] });
      }
      break;
    }
    case 'unknown-function': {
      const hint = /Did you mean ([A-Za-z0-9_ ]+)\?/.exec(message)?.[1] ?? /here it is ([A-Za-z0-9_]+)\(/.exec(message)?.[1];
      if (hint !== undefined) replaceWith(`Change to ${hint.replace(/ /g, '_')}`, hint.replace(/ /g, '_'));
      break;
    }
    case 'unknown-element': {
      const hint = /Did you mean "([^"]+)"\?/.exec(message)?.[1];
      if (hint !== undefined) replaceWith(`Change to ${elementText(hint)}`, elementText(hint));
      break;
    }
    case 'syntax': {
      const spaced = /must be written in double quotes: "([^"]+)"/.exec(message)?.[1];
      if (spaced !== undefined) {
        replaceWith(`Write it as "${spaced}"`, quotedName(spaced));
        break;
      }
      const meant = /If you meant the name "([^"]+)"/.exec(message)?.[1];
      if (meant !== undefined && text !== undefined) {
        const words = meant.split(' ');
        const lineText = new LineIndex(text).lineText(diagnostic.line);
        const pattern = new RegExp(words.map(escapeRegExp).join('\\s+'), 'g');
        for (let m = pattern.exec(lineText); m; m = pattern.exec(lineText)) {
          if (m.index < diagnostic.column - 1 && m.index + m[0].length >= diagnostic.endColumn - 1) {
            fixes.push({ title: `Write it as "${meant}"`, edits: [{ range: lineRange(diagnostic.line, m.index, m.index + m[0].length), text: quotedName(meant) }], isPreferred: true });
            break;
          }
        }
      }
      break;
    }
    case 'missing-equation': {
      if (!/has no (?:equation|initial value): add/.test(message)) break;
      const s = symbolAt(analysis, diagnostic);
      if (s) {
        const at = s.headEnd;
        fixes.push({ title: `Add "= 0" to ${printName(s.name)}`, edits: [{ range: { line: at.line, column: at.column, endLine: at.line, endColumn: at.column }, text: ' = 0' }], isPreferred: true });
      }
      break;
    }
    case 'not-constant': {
      const s = symbolAt(analysis, diagnostic);
      if (s && s.kind === 'const') {
        const start = s.declarationRange;
        fixes.push({ title: `Declare ${printName(s.name)} as aux`, edits: [{ range: { line: start.line, column: start.column, endLine: start.line, endColumn: start.column + 'const'.length }, text: 'aux' }], isPreferred: true });
      }
      break;
    }
    default:
      break;
  }
  return fixes;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The variable a diagnostic is about: by its `variable` name, or the declaration it falls in. */
function symbolAt(analysis: Analysis, d: Diagnostic): SymbolInfo | undefined {
  if (d.variable !== undefined) {
    const byName = analysis.symbols.find((s) => s.key === nameKey(d.variable!));
    if (byName) return byName;
  }
  return analysis.symbols.find((s) => within(s.declarationRange, d.line, d.column));
}

function within(r: Range, line: number, column: number): boolean {
  if (line < r.line || line > r.endLine) return false;
  if (line === r.line && column < r.column) return false;
  if (line === r.endLine && column > r.endColumn) return false;
  return true;
}

/** A new declaration as its own paragraph after the declaration the diagnostic is in (or at the end). */
function declarationEdit(analysis: Analysis, d: Diagnostic, declaration: string, text: string | undefined): TextEdit | undefined {
  const owner = symbolAt(analysis, d);
  if (owner) {
    const endLine = owner.declarationRange.endLine;
    const column = text !== undefined ? new LineIndex(text).lineText(endLine).length + 1 : owner.declarationRange.endColumn;
    return { range: { line: endLine, column, endLine, endColumn: column }, text: `\n\n${declaration}` };
  }
  if (text === undefined) return undefined;
  const lines = new LineIndex(text);
  const last = lines.count;
  const column = lines.lineText(last).length + 1;
  const lead = text.trim() === '' ? '' : lines.lineText(last).trim() === '' ? '\n' : '\n\n';
  return { range: { line: last, column, endLine: last, endColumn: column }, text: `${lead}${declaration}\n` };
}

/** Applies non-overlapping edits to a text (for tests and for hosts without an editor). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = edits
    .map((e) => ({ from: lines.offsetAt(e.range.line, e.range.column), to: lines.offsetAt(e.range.endLine, e.range.endColumn), text: e.text }))
    .sort((a, b) => b.from - a.from);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

// ---- syntax highlighting ------------------------------------------------------------------

const NAME = /[a-zA-Z_$£€\u00C0-\uFFFF][\w$£€\u00C0-\uFFFF]*/;
const QUOTED = /"(?:[^"\\\n]|\\.)*"/;
const UNCLOSED = /"(?:[^"\\\n]|\\.)*/;

/** `NAME` and `QUOTED` with a lookahead for `[` glued to the name (dimensions follow). */
function glued(re: RegExp): RegExp {
  return new RegExp(`${re.source}(?=\\[)`);
}

/**
 * The Monarch grammar (monaco.languages.IMonarchLanguage) for `.cwm`: statement keywords,
 * property keys, builtins, quoted names, numbers, `#` comments, documentation text, units and
 * dimensions in brackets. Plain data: the Monaco wrapper only registers it.
 */
export const cwmMonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.cwm',
  ignoreCase: true,
  // Line ends are seen by the rules, so the states of a declaration's head end with its line.
  includeLF: true,
  expressionWords: [...EXPRESSION_WORDS],
  builtins: [...BUILTINS.values()].map((b) => b.name.replace(/ /g, '_')),
  constants: [...BUILTIN_CONSTANT_DOCS.keys()],
  brackets: [
    { open: '(', close: ')', token: 'delimiter.parenthesis' },
    { open: '[', close: ']', token: 'delimiter.bracket' },
  ],
  tokenizer: {
    root: [
      [/^(\s*)(stock|flow|aux|const|graph)(?=\s)(?!\s*:)/, ['white', { token: 'keyword', next: '@declName' }]],
      [/^(\s*)(dimension)(?=\s)(?!\s*:)/, ['white', { token: 'keyword', next: '@dimName' }]],
      [/^(\s*)(model)(?=\s)(?!\s*:)/, ['white', { token: 'keyword', next: '@text' }]],
      [/^(\s*)(simulation)(?=\s)(?!\s*:)/, ['white', 'keyword']],
      [/^(\s*)(doc)(\s*)(:)/, ['white', 'key', 'white', { token: 'delimiter', next: '@text' }]],
      [/^(\s*)(inflows?|outflows?|points|data x|data y|data where|data|target|better|amber|x|y|interpolation|start|stop at|stop|dt|save every|method|time unit|seed|transit time|capacity|inflow limit|arrest|sample|leak fraction|leak rate|leak zone)(\s*)(:)/, ['white', 'key', 'white', 'delimiter']],
      [/^(\s*)(non-negative|nonnegative|conveyor|queue|overflow)\b(?!\s*[:=])/, ['white', 'key']],
      [/^(\s*)(\[)/, ['white', { token: 'delimiter.bracket', next: '@subscript' }]],
      { include: '@expression' },
    ],
    expression: [
      [/[ \t\r\n]+/, 'white'],
      [/#[^\n]*/, 'comment'],
      [/"""/, { token: 'string', next: '@tripleText' }],
      [QUOTED, 'variable'],
      [UNCLOSED, 'invalid'],
      [/(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?%?/, 'number'],
      [NAME, { cases: { '@expressionWords': 'keyword', '@builtins': 'variable.predefined', '@constants': 'variable.predefined', '@default': 'variable' } }],
      [/\[/, { token: 'delimiter.bracket', next: '@subscript' }],
      [/[()]/, '@brackets'],
      [/\]/, 'delimiter.bracket'],
      [/<=|>=|<>|==|!=|[-+*/^=<>]/, 'operator'],
      [/[,;:.]/, 'delimiter'],
    ],
    subscript: [
      [/\]/, { token: 'delimiter.bracket', next: '@pop' }],
      [/\n/, { token: 'white', next: '@popall' }],
      [/[ \t\r]+/, 'white'],
      [/,/, 'delimiter'],
      [QUOTED, 'tag'],
      [/[^\],"\n \t\r]+/, 'tag'],
      [/"/, 'invalid'],
    ],
    declName: [
      [/[ \t\r]+/, 'white'],
      [glued(QUOTED), { token: 'variable.name', switchTo: '@declDims' }],
      [QUOTED, { token: 'variable.name', switchTo: '@declHead' }],
      [UNCLOSED, 'invalid'],
      [glued(NAME), { token: 'variable.name', switchTo: '@declDims' }],
      [NAME, { token: 'variable.name', switchTo: '@declHead' }],
      [/\n/, { token: 'white', next: '@popall' }],
      [/[^\n]/, { token: 'invalid', switchTo: '@declHead' }],
    ],
    declDims: [
      [/\[/, 'delimiter.bracket'],
      [/\]/, { token: 'delimiter.bracket', switchTo: '@declHead' }],
      [/[ \t\r]+/, 'white'],
      [/,/, 'delimiter'],
      [QUOTED, 'tag'],
      [NAME, 'tag'],
      [/\n/, { token: 'white', next: '@popall' }],
      [/[^\n]/, 'invalid'],
    ],
    declHead: [
      [/[ \t\r]+/, 'white'],
      [/\[/, { token: 'delimiter.bracket', next: '@units' }],
      [/=/, { token: 'operator', next: '@pop' }],
      [/#[^\n]*/, 'comment'],
      [/\n/, { token: 'white', next: '@popall' }],
      [/[^\n]/, 'invalid'],
    ],
    units: [
      [/\]/, { token: 'delimiter.bracket', next: '@pop' }],
      [/\n/, { token: 'white', next: '@popall' }],
      [/[^\]\n]+/, 'type'],
    ],
    dimName: [
      [/[ \t\r]+/, 'white'],
      [QUOTED, 'type'],
      [NAME, 'type'],
      [/:/, { token: 'delimiter', switchTo: '@dimElements' }],
      [/\n/, { token: 'white', next: '@popall' }],
      [/[^\n]/, 'invalid'],
    ],
    dimElements: [
      [/->/, 'operator'],
      [/,/, 'delimiter'],
      [/[ \t\r]+/, 'white'],
      [/#[^\n]*/, 'comment'],
      [QUOTED, 'tag'],
      [/\n/, { token: 'white', next: '@popall' }],
      [/(?:[^,#"\n \t\r-]|-(?!>))+/, 'tag'],
      [/"/, 'invalid'],
    ],
    text: [
      [/[ \t\r]+/, 'white'],
      [/"""/, { token: 'string', switchTo: '@tripleText' }],
      [QUOTED, 'string'],
      [UNCLOSED, 'invalid'],
      [/#[^\n]*/, 'comment'],
      [/\n/, { token: 'white', next: '@popall' }],
      [/[^\n]/, 'invalid'],
    ],
    tripleText: [
      [/"""/, { token: 'string', next: '@popall' }],
      [/[^"]+/, 'string'],
      [/"/, 'string'],
    ],
  },
};

/** Editor behaviour for `.cwm`: comments, brackets, auto-closing quotes (monaco.languages.LanguageConfiguration). */
export const cwmLanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [
    ['[', ']'],
    ['(', ')'],
  ] as [string, string][],
  autoClosingPairs: [
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
  ],
  surroundingPairs: [
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"' },
  ],
};
