import type { Diagnostic, SourcePos } from '../diagnostics.js';
import type { ModelAst } from './ast.js';
import { movedAst, movedDiagnostic } from './pieces-move.js';

/**
 * Parsing a model as pieces, with a memory of the pieces already parsed: while someone types, the
 * editor and the live run parse the model again at every keystroke, and all its statements but
 * one are as they were. The text is cut where the lexer and the parser both start afresh — before
 * a line opening a statement (`stock …`, `flow …`; see `boundaries`) — and each piece is looked up
 * by its text; a piece that has moved (text before it grew or shrank) keeps its parse, with its
 * positions moved too and remembered so (moved once, not at every later parse) (one with diagnostics only when it stays on its lines: messages may name
 * lines). What comes out is exactly what parsing the whole text gives: the same AST
 * and the same diagnostics in the same order (test/parse-pieces.test.ts holds it to that).
 */

export interface ParsedPiece {
  readonly ast: ModelAst;
  /** The lexer's diagnostics, then the parser's: the whole text has all the lexer's first. */
  readonly lexical: readonly Diagnostic[];
  readonly syntax: readonly Diagnostic[];
}

/**
 * Parses one piece starting at `at`; `seenSimulation`: an earlier piece has a simulation section;
 * `followedByStatement`: another piece follows (its first line starts a statement).
 */
export type PieceParser = (text: string, file: string, at: SourcePos, seenSimulation: boolean, followedByStatement: boolean) => ParsedPiece;

interface Remembered {
  /** The piece as placed by the parse that last used it, and where that was. */
  piece: ParsedPiece;
  at: SourcePos;
  /** The parse that last used it, for forgetting pieces no longer in the text. */
  used: number;
}

/** Remembered pieces by file and context ("s": after a simulation section, "f": followed by another piece), then by text. */
const memory = new Map<string, Map<string, Remembered>>();
let parses = 0;

export function parseInPieces(source: string, file: string, parse: PieceParser): { readonly ast: ModelAst; readonly diagnostics: readonly Diagnostic[] } {
  const parse_ = ++parses;
  const starts = boundaries(source);
  const pieces: ParsedPiece[] = [];
  let seenSimulation = false;
  let line = 1;
  for (let p = 0; p < starts.length; p++) {
    const from = starts[p]!;
    const to = p + 1 < starts.length ? starts[p + 1]! : source.length;
    const text = source.slice(from, to);
    const followed = p + 1 < starts.length;
    const at: SourcePos = { line, column: 1, offset: from };
    // The parse depends on the text and on these two facts; its positions on where it is.
    const context = `${seenSimulation ? 's' : '-'}${followed ? 'f' : '-'}${file}`;
    let texts = memory.get(context);
    if (!texts) memory.set(context, (texts = new Map()));
    let known = texts.get(text);
    // Messages may name lines ("the bracket opened at line 12"): a piece with diagnostics moves only along its line.
    if (known && known.at.line !== line && known.piece.lexical.length + known.piece.syntax.length > 0) known = undefined;
    if (!known) {
      known = { piece: parse(text, file, at, seenSimulation, followed), at, used: parse_ };
      texts.set(text, known);
    }
    known.used = parse_;
    const piece = moved(known.piece, line - known.at.line, from - known.at.offset);
    if (piece !== known.piece) {
      // Remembered where it is now: the next parse, after an edit that keeps the text's length
      // (a digit for a digit) or one after this piece, finds it in place and moves nothing.
      known.piece = piece;
      known.at = at;
    }
    pieces.push(piece);
    seenSimulation ||= piece.ast.sim !== undefined;
    line += lineBreaks(text);
  }
  forget(parse_, pieces.length);
  return merge(file, pieces);
}

/** Keeps the pieces of this parse and the previous one (an editor may parse two texts in turn). */
function forget(current: number, inUse: number): void {
  let size = 0;
  for (const texts of memory.values()) size += texts.size;
  if (size <= 2 * inUse + 64) return;
  for (const [context, texts] of memory) {
    for (const [text, r] of texts) if (r.used < current - 1) texts.delete(text);
    if (texts.size === 0) memory.delete(context);
  }
}

function merge(file: string, pieces: readonly ParsedPiece[]): { readonly ast: ModelAst; readonly diagnostics: readonly Diagnostic[] } {
  // Later definitions win, as when one parser reads the whole text.
  let title: string | undefined;
  let doc: string | undefined;
  let sim: ModelAst['sim'];
  const dimensions: ModelAst['dimensions'][number][] = [];
  const variables: ModelAst['variables'][number][] = [];
  const lexical: Diagnostic[] = [];
  const syntax: Diagnostic[] = [];
  for (const { ast, lexical: l, syntax: s } of pieces) {
    if (ast.title !== undefined) title = ast.title;
    if (ast.doc !== undefined) doc = ast.doc;
    if (ast.sim !== undefined) sim = ast.sim;
    for (const d of ast.dimensions) dimensions.push(d);
    for (const v of ast.variables) variables.push(v);
    for (const d of l) lexical.push(d);
    for (const d of s) syntax.push(d);
  }
  const ast: ModelAst = {
    file,
    ...(title === undefined ? {} : { title }),
    ...(doc === undefined ? {} : { doc }),
    ...(sim === undefined ? {} : { sim }),
    dimensions,
    variables,
  };
  return { ast, diagnostics: lexical.concat(syntax) };
}

function lineBreaks(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

// ---- where pieces start -------------------------------------------------------------------

const NEWLINE = 10;
const QUOTE = 34;
const HASH = 35;
const BACKSLASH = 92;

/**
 * `stock …`, `flow …` and the other statement words the lexer knows a line can open with (lexer.ts
 * STATEMENT_START), after the line's indentation; matched in place (sticky), not on a copy of the line.
 * Neither it nor the rest of the line it looks at (`.` never matches a line break) reaches past the line.
 */
const STATEMENT_WORD = /(?:stock|flow|aux|const|graph|dimension|simulation|model)[ \t][ \t\r\f\uFEFF]*(.?)/iy;

/**
 * Offsets where pieces start: 0, then every line that opens a statement outside a quoted text.
 * Before such a line the lexer always ends the line and closes open brackets, and the parser is
 * back at its statement loop (a property line never starts with a statement word and a blank).
 * The scan skips comments and quoted text exactly as the lexer does. A statement word followed
 * by ":" is a property key, not a statement, so no piece starts there.
 */
export function boundaries(source: string): number[] {
  const out = [0];
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === NEWLINE) {
      i++;
      if (i < n && opensStatement(source, i)) out.push(i);
    } else if (c === HASH) {
      const end = source.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (c === QUOTE) {
      i = afterQuoted(source, i);
    } else {
      i++;
    }
  }
  return out;
}

function opensStatement(source: string, at: number): boolean {
  let i = at;
  let c = source.charCodeAt(i);
  while (c === 32 || c === 9) c = source.charCodeAt(++i);
  // Only a line whose first word starts with a letter of a statement word (s, f, a, c, g, d, m; either case) can open one.
  c |= 0x20;
  if (c !== 115 && c !== 102 && c !== 97 && c !== 99 && c !== 103 && c !== 100 && c !== 109) return false;
  STATEMENT_WORD.lastIndex = i;
  const m = STATEMENT_WORD.exec(source);
  return m !== null && m[1] !== ':';
}

/** Where the lexer resumes after the quoted text (or triple-quoted documentation) starting at `i`. */
function afterQuoted(source: string, i: number): number {
  if (source.startsWith('"""', i)) {
    const close = source.indexOf('"""', i + 3);
    return close < 0 ? source.length : close + 3;
  }
  let j = i + 1;
  while (j < source.length) {
    const c = source.charCodeAt(j);
    if (c === NEWLINE) return j;
    if (c === BACKSLASH && (source.charCodeAt(j + 1) === QUOTE || source.charCodeAt(j + 1) === BACKSLASH)) {
      j += 2;
      continue;
    }
    j++;
    if (c === QUOTE) return j;
  }
  return j;
}

// ---- moving a remembered piece ------------------------------------------------------------

function moved(piece: ParsedPiece, lines: number, offset: number): ParsedPiece {
  if (lines === 0 && offset === 0) return piece;
  const diagnostic = (d: Diagnostic): Diagnostic => movedDiagnostic(d, lines);
  return { ast: movedAst(piece.ast, lines, offset), lexical: piece.lexical.map(diagnostic), syntax: piece.syntax.map(diagnostic) };
}
