import type { DiagnosticSink, SourcePos, SourceSpan } from '../diagnostics.js';
import { LineTable } from '../lines.js';
import type { Token, TokenKind } from './tokens.js';

const TWO_CHAR_OPS = new Set(['<=', '>=', '<>', '==', '!=']);
const ONE_CHAR_OPS = new Set(['+', '-', '*', '/', '^', '(', ')', '[', ']', ',', ':', '=', '<', '>', '.', ';']);

/** After these tokens a line break does not end the statement, so long equations can wrap. */
const CONTINUES_LINE = new Set(['+', '-', '*', '/', '^', ',', ';', '=', '<', '>', '<=', '>=', '<>', '==', '!=', '(', '[']);
const CONTINUES_LINE_WORDS = new Set(['and', 'or', 'not', 'if', 'then', 'else', 'mod']);

// ASCII first: a Unicode property test per character made reading large models slow.
function isIdentStart(c: string): boolean {
  const x = c.charCodeAt(0);
  if (x < 128) return (x >= 97 && x <= 122) || (x >= 65 && x <= 90) || x === 95 || x === 36;
  return /[\p{L}_$£€]/u.test(c);
}

function isIdentPart(c: string): boolean {
  const x = c.charCodeAt(0);
  if (x < 128) return (x >= 97 && x <= 122) || (x >= 65 && x <= 90) || (x >= 48 && x <= 57) || x === 95 || x === 36;
  return /[\p{L}\p{N}_$£€]/u.test(c);
}

/**
 * Splits model text into tokens. Line breaks are tokens (statements are line based) except inside
 * brackets and after an operator, comma or `=` where the line obviously continues.
 * `followedByStatement`: the text is a piece of a model whose next line starts a statement, so its
 * last line break ends a statement exactly as it would in the whole text.
 */
export function tokenize(source: string, sink: DiagnosticSink, from: { readonly line: number; readonly column: number; readonly offset?: number } = { line: 1, column: 1 }, followedByStatement = false): Token[] {
  const tokens: Token[] = [];
  const lines = new LineTable(source, from);
  let i = 0;
  let depth = 0;
  let spaceBefore = true;

  const pos = (): SourcePos => lines.pos(i);
  const advance = (n = 1): void => {
    i += n;
  };
  const push = (kind: TokenKind, text: string, start: number, value = 0, triple?: boolean, reported?: boolean): void => {
    const token = new LexToken(kind, text, value, start, i, spaceBefore, lines);
    if (triple !== undefined) token.triple = triple;
    if (reported) token.reported = reported;
    tokens.push(token);
    spaceBefore = false;
  };
  const startsStatement = (at: number): boolean => (at === source.length ? followedByStatement : nextLineStartsStatement(source, at));
  const lineContinues = (): boolean => {
    if (depth > 0) return true;
    if (startsStatement(i)) return false;
    const last = tokens[tokens.length - 1];
    if (!last || last.kind === 'newline') return true; // blank lines collapse
    if (last.kind === 'op') return CONTINUES_LINE.has(last.text);
    if (last.kind === 'ident') return CONTINUES_LINE_WORDS.has(last.text.toLowerCase());
    return false;
  };

  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') {
      const start = i;
      advance();
      if (depth > 0 && startsStatement(i)) depth = 0; // an unclosed bracket must not swallow the model
      if (!lineContinues()) push('newline', '\n', start);
      spaceBefore = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\uFEFF') {
      advance();
      spaceBefore = true;
      continue;
    }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') advance();
      spaceBefore = true;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(source.slice(i, i + 400))!;
      const text = m[0];
      advance(text.length);
      let value = Number(text);
      if (source[i] === '%') {
        advance();
        // Shift the decimal exponent rather than divide, so 1.8% is exactly 0.018.
        const [mantissa, exponent] = text.toLowerCase().split('e');
        value = Number(`${mantissa}e${Number(exponent ?? 0) - 2}`);
        push('number', text + '%', start, value);
      } else {
        push('number', text, start, value);
      }
      // `3people` is left as a number and a name with no space between: the parser says what is wrong.
      continue;
    }
    if (isIdentStart(c)) {
      while (i < source.length && isIdentPart(source[i]!)) advance();
      push('ident', source.slice(start, i), start);
      continue;
    }
    if (c === '"') {
      const triple = source.startsWith('"""', i);
      if (triple) {
        advance(3);
        const close = source.indexOf('"""', i);
        if (close < 0) {
          while (i < source.length) advance();
          sink.error('syntax', { start: lines.pos(start), end: pos() }, 'This text starts with """ but never ends: add """ after it.');
          push('string', '', start, 0, true);
          continue;
        }
        const body = source.slice(i, close);
        advance(close - i + 3);
        push('string', dedent(body), start, 0, true);
        continue;
      }
      advance();
      let text = '';
      let closed = false;
      while (i < source.length && source[i] !== '\n') {
        const ch = source[i]!;
        if (ch === '\\' && (source[i + 1] === '"' || source[i + 1] === '\\')) {
          text += source[i + 1];
          advance(2);
          continue;
        }
        if (ch === '"') {
          advance();
          closed = true;
          break;
        }
        text += ch;
        advance();
      }
      if (!closed) {
        sink.error('syntax', { start: lines.pos(start), end: pos() }, 'This quoted name or text has no closing quote (") on the same line.');
        push('invalid', text, start, 0, undefined, true);
        continue;
      }
      push('string', text, start, 0, false);
      continue;
    }
    const two = source.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      advance(2);
      push('op', two, start);
      continue;
    }
    if (ONE_CHAR_OPS.has(c)) {
      advance();
      if (c === '(' || c === '[') depth++;
      if ((c === ')' || c === ']') && depth > 0) depth--;
      push('op', c, start);
      continue;
    }
    advance();
    push('invalid', c, start);
  }
  if (tokens.length && tokens[tokens.length - 1]!.kind !== 'newline') tokens.push(new LexToken('newline', '\n', 0, i, i, true, lines));
  tokens.push(new LexToken('eof', '', 0, i, i, true, lines));
  return tokens;
}

/**
 * A token whose span is worked out on first use: most tokens' positions are never asked for, and
 * three objects less per token made reading large models markedly faster (less garbage to collect).
 */
class LexToken implements Token {
  declare triple?: boolean;
  declare reported?: boolean;
  private cached: SourceSpan | undefined;

  constructor(
    readonly kind: TokenKind,
    readonly text: string,
    readonly value: number,
    private readonly start: number,
    private readonly end: number,
    readonly spaceBefore: boolean,
    private readonly lines: LineTable,
  ) {}

  get span(): SourceSpan {
    return (this.cached ??= { start: this.lines.pos(this.start), end: this.lines.pos(this.end) });
  }
}

/** A line that opens a new statement or a property, so the line before it cannot continue onto it. */
const STATEMENT_START =
  /^[ \t]*(?:(?:stock|flow|aux|const|graph|dimension|simulation|model)[ \t]|(?:doc|inflows?|outflows?|points|x|y|interpolation|start|stop|stop at|dt|save every|method|time unit|seed|transit time|capacity|inflow limit|arrest|sample|leak fraction|leak rate|leak zone)[ \t]*:|non-negative\b|(?:conveyor|queue|overflow)[ \t]*(?:#|\r?$))/i;

function nextLineStartsStatement(source: string, from: number): boolean {
  const end = source.indexOf('\n', from);
  return STATEMENT_START.test(source.slice(from, end < 0 ? source.length : end));
}

/** Triple-quoted documentation is usually indented under its variable; drop that indentation. */
function dedent(text: string): string {
  const lines = text.replace(/\r/g, '').split('\n');
  while (lines.length && lines[0]!.trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}
