import { DiagnosticSink, type SourcePos, type SourceSpan } from '../../diagnostics.js';
import type { DimensionDecl, Expr, GraphSpec, ModelAst, NameRef, SimSpecDecl, SubscriptItem, VarDecl } from '../../language/ast.js';
import { LineTable } from '../../lines.js';
import { elementKey, nameKey } from '../../names.js';
import { parseUnits, UnitSyntaxError } from '../../check/units.js';
import { foldConstant } from '../../check/checker.js';
import type { ImportResult } from '../xmile/import.js';
import { rewriteExpr } from '../../language/rewrite.js';
import { expandMacros, type MacroDefinition } from '../macros.js';
import { mappedElementOf, splitMappings } from '../../language/mapping.js';
import type { SpreadsheetSource } from '../spreadsheet.js';
import type { Building, Entry } from './building.js';
import { DATA_MODES, dataMode } from './data.js';
import type { DataFile } from './datafile.js';
import { ExternalReader, type ExternalHost } from './external.js';
import { tokenizeVensim, VensimExprParser, VensimSyntaxError, type Positions } from './expr.js';

/**
 * Vensim `.mdl` → our model AST. Each `name = expression ~ units ~ documentation |` entry becomes
 * a variable; INTEG makes a stock (its rate split into inflows and outflows where it is a sum of
 * flows); subscript ranges become dimensions; lookups become graphs. The sketch is not read.
 */
export function importVensim(text: string, file: string, spreadsheets?: SpreadsheetSource, dataFiles?: () => readonly DataFile[]): ImportResult {
  const sink = new DiagnosticSink(file);
  const macros = findMacros(text);
  // The model is read with macro definitions blanked out, each macro body on its own; blanking
  // (rather than cutting) keeps every line and column true to the file.
  const reader = new VensimReader(blank(text, macros.map((m) => [m.start, m.end])), file, sink, spreadsheets, dataFiles);
  for (const m of macros) {
    const body = new VensimReader(blank(text, [[0, m.bodyFrom], [m.bodyTo, text.length]]), file, sink);
    body.readEntries();
    // A call's value is the macro's variable named like the macro.
    reader.addMacro({ name: m.name, params: m.params.map((key) => ({ key })), result: { kind: 'ref', name: m.name, span: m.name.span }, body: body.declarations() });
  }
  return reader.read();
}

interface MacroText {
  name: NameRef;
  params: string[];
  start: number;
  end: number;
  bodyFrom: number;
  bodyTo: number;
}


function findMacros(text: string): MacroText[] {
  const out: MacroText[] = [];
  const header = /:MACRO:\s*([^(\n]+?)\s*\(([^)]*)\)/gi;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const close = text.toUpperCase().indexOf(':END OF MACRO:', m.index);
    if (close < 0) break;
    const name = m[1]!.replace(/\s+/g, ' ').trim();
    const params = m[2]!.split(':')[0]!.split(',').map((p) => nameKey(p.trim())).filter((p) => p !== '');
    out.push({ name: { key: nameKey(name), text: name, span: { start: { line: 1, column: 1, offset: m.index }, end: { line: 1, column: 1, offset: m.index } } }, params, start: m.index, end: close + ':END OF MACRO:'.length, bodyFrom: m.index + m[0].length, bodyTo: close });
    header.lastIndex = close;
  }
  return out;
}

/** Replaces the given ranges by spaces, keeping line breaks. */
function blank(text: string, ranges: [number, number][]): string {
  let out = text;
  for (const [a, b] of ranges) out = out.slice(0, a) + out.slice(a, b).replace(/[^\n]/g, ' ') + out.slice(b);
  return out;
}

class VensimReader implements Positions, ExternalHost {
  readonly sink: DiagnosticSink;
  private readonly lines: LineTable;
  readonly dims = new Map<string, DimensionDecl>();
  private readonly vars = new Map<string, Building>();

  private readonly macros = new Map<string, MacroDefinition>();
  private readonly external: ExternalReader;
  /** The variable whose entry is being read. */
  private current: Building | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
    sink: DiagnosticSink,
    spreadsheets?: SpreadsheetSource,
    dataFiles?: () => readonly DataFile[],
  ) {
    this.sink = sink;
    this.external = new ExternalReader(this, spreadsheets, dataFiles);
    this.lines = new LineTable(text);
  }

  pos(offset: number): SourcePos {
    return this.lines.pos(offset);
  }

  span(from: number, to: number): SourceSpan {
    return { start: this.pos(from), end: this.pos(to) };
  }

  read(): ImportResult {
    this.readEntries();
    const ast = this.assemble();
    return { ast: { ...ast, variables: expandMacros(ast.variables, this.macros, this.sink) }, diagnostics: this.sink.items };
  }

  addMacro(macro: MacroDefinition): void {
    this.macros.set(macro.name.key, macro);
  }

  /** The variables read so far, as declarations (for a macro's body). */
  declarations(): readonly VarDecl[] {
    return this.assemble().variables;
  }

  readEntries(): void {
    const sketch = this.text.indexOf('\\\\\\---///');
    const end = sketch < 0 ? this.text.length : sketch;
    let start = this.text.startsWith('{UTF-8}') ? 7 : 0;
    if (this.text.charCodeAt(0) === 0xfeff) start = 1;
    const entries = [...this.entries(start, end)];
    // Subscript ranges first: equations may use a range defined further down the file.
    const guarded = (f: () => void): void => {
      try {
        f();
      } catch (e) {
        if (!(e instanceof VensimSyntaxError)) throw e;
        this.sink.error('syntax', this.span(e.offset, e.offset + 1), e.message, this.current?.name.text);
        // Its variable exists but could not be read: report nothing else about it.
        if (this.current) this.current.broken = true;
      }
    };
    const isRange = entries.map((e) => this.rangeDefinition(e));
    const equivalences = entries.map((e) => /^\s*([^<>=:~|]+?)\s*<->\s*([^<>=:~|]+?)\s*$/.exec(this.text.slice(e.def[0], e.def[1])));
    // A range may be built from ranges defined further down: define those it needs first.
    const pending = entries.flatMap((e, n) => (isRange[n] ? [{ range: isRange[n]!, to: e.def[1] }] : []));
    const rangeNames = new Set(pending.map((p) => p.range.name.key));
    const needs = (p: (typeof pending)[number]): string[] =>
      this.text.slice(p.range.body, p.to).split('->')[0]!.split(',').map((x) => nameKey(x.replace(/\\\r?\n/g, ' ').trim())).filter((k) => rangeNames.has(k) && k !== p.range.name.key);
    const rounds = pending.length;
    for (let round = 0; pending.length > 0 && round <= rounds; round++) {
      for (let i = 0; i < pending.length; ) {
        const p = pending[i]!;
        if (round < rounds && needs(p).some((k) => !this.dims.has(k))) {
          i++;
          continue;
        }
        guarded(() => this.dimension(p.range.name, p.range.body, p.to));
        pending.splice(i, 1);
      }
    }
    // DimB <-> DimA: another dimension with the same elements.
    equivalences.forEach((m, n) => {
      if (!m) return;
      const copy = this.dims.get(nameKey(m[2]!));
      const text = m[1]!.replace(/\s+/g, ' ');
      const span = this.span(entries[n]!.def[0], entries[n]!.def[1]);
      if (copy) this.dims.set(nameKey(text), { name: { key: nameKey(text), text, span }, elements: copy.elements, span });
      else this.sink.error('unknown-dimension', span, `"${m[2]}" is not a subscript range, so "${text}" cannot be equivalent to it.`);
    });
    entries.forEach((e, n) => {
      if (isRange[n] || equivalences[n]) return;
      this.current = undefined;
      guarded(() => this.entry(e));
    });
    this.resolveDefinitions();
  }

  /** Splits at `|` (outside quotes and comments) and each entry at its `~`s. */
  private *entries(from: number, to: number): Generator<Entry> {
    let i = from;
    let partStart = from;
    const cuts: number[] = [];
    let quoted = false;
    for (; i < to; i++) {
      const c = this.text[i];
      // Quotes matter only in the equation: documentation may hold any number of them.
      if (c === '"' && cuts.length === 0) quoted = !quoted;
      else if (quoted) continue;
      else if (c === '{') {
        const close = this.text.indexOf('}', i);
        i = close < 0 ? to : close;
      } else if (c === '~') cuts.push(i);
      else if (c === '|') {
        const bounds = [partStart, ...cuts.flatMap((x) => [x, x + 1]), i];
        const parts: [number, number][] = [];
        for (let k = 0; k < bounds.length; k += 2) parts.push([bounds[k]!, bounds[k + 1]!]);
        yield { def: parts[0]!, ...(parts[1] ? { units: parts[1] } : {}), ...(parts[2] ? { doc: parts[2] } : {}) };
        partStart = i + 1;
        cuts.length = 0;
      }
    }
  }

  private entry(e: Entry): void {
    const [from, to] = e.def;
    const raw = this.text.slice(from, to);
    if (raw.trim() === '' || /^\s*\*/.test(raw)) return; // group headings such as .Control
    // A data variable declared without an equation (`x[A] :HOLD BACKWARD:`): its values come from a data file.
    const trimmed = raw.trim();
    const declared = /[=(]/.test(trimmed) ? null : /^([^[\]=:~|()"]+?|"[^"]*")\s*(?:\[([^\]]*)\])?\s*(:(?:INTERPOLATE|HOLD BACKWARD|LOOK FORWARD|RAW):)?$/i.exec(trimmed);
    if (declared) return this.external.dataFromFiles(declared, from + raw.indexOf(trimmed), e);
    // Data equations `x := GET …` (optionally :INTERPOLATE: …) read spreadsheets; `x := expression` is computed from other data.
    const dataEq = /(:(?:INTERPOLATE|HOLD BACKWARD|LOOK FORWARD|RAW):)?\s*:=/i.exec(raw);
    const tabbed = /^([^=]*==?\s*)TABBED\s+ARRAY\s*\(/i.exec(raw);
    // x[dims] :EXCEPT: [a], [b, c] = …  — the listed elements are left out.
    const except = /:EXCEPT:/i.exec(raw);
    let excluded: string[][][] = [];
    let toks;
    if (dataEq) {
      const eq = dataEq.index + dataEq[0].length - 1;
      toks = [...tokenizeVensim(this.text, from, from + dataEq.index).slice(0, -1), { k: 'op' as const, text: '=', at: from + eq, end: from + eq + 1 }, { k: 'eof' as const, at: to, end: to }];
    } else if (except) {
      const eq = raw.indexOf('=', except.index);
      if (eq < 0) throw new VensimSyntaxError('Expected "=" after the :EXCEPT: list.', from + except.index);
      excluded = [...raw.slice(except.index + except[0].length, eq).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!.replace(/\\\r?\n/g, ' ').split(',').map((x) => this.elementsOf(x.replace(/\s+/g, ' ').trim())));
      toks = [...tokenizeVensim(this.text, from, from + except.index).slice(0, -1), { k: 'op' as const, text: '=', at: from + eq, end: from + eq + 1 }, { k: 'eof' as const, at: to, end: to }];
    } else {
      // The arguments of a GET function are quoted file, sheet and cell names (a '\t' delimiter, say): not tokens.
      const getAt = raw.search(/\bGET[ _](?:DIRECT|XLS)[ _]/i);
      toks = getAt > 0 ? [...tokenizeVensim(this.text, from, from + getAt).slice(0, -1), { k: 'eof' as const, at: to, end: to }] : tokenizeVensim(this.text, from, to);
    }
    const first = toks[0]!;
    if (first.k !== 'name') throw new VensimSyntaxError('An equation must start with a variable name.', first.at);
    const name: NameRef = { key: nameKey(first.text), text: first.text, span: this.span(first.at, first.end) };
    const second = toks[1]!;
    const b = this.building(name, e);
    let i = 1;
    let lhsSubs: SubscriptItem[] | undefined;
    if (second.k === 'op' && second.text === '[') {
      lhsSubs = [];
      i = 2;
      for (;;) {
        const s = toks[i++]!;
        if (s.k !== 'name' && s.k !== 'num') throw new VensimSyntaxError('Expected a subscript name.', s.at);
        lhsSubs.push({ text: s.k === 'num' ? String(s.v) : s.text, span: this.span(s.at, s.end) });
        const sep = toks[i++]!;
        if (sep.k === 'op' && sep.text === ']') break;
        if (!(sep.k === 'op' && sep.text === ',')) throw new VensimSyntaxError('Expected "," or "]".', sep.at);
      }
    }
    const next = toks[i]!;
    const inner = next.k === 'op' && next.text === '(' ? /^\s*GET[ _](?:DIRECT|XLS)[ _]LOOKUPS\s*\(/i.exec(this.text.slice(next.end, to)) : null;
    if (inner) {
      // name[…]( GET XLS LOOKUPS(…) ): a lookup definition whose points come from a spreadsheet.
      this.external.spreadsheetFunction(b, lhsSubs, 'lookups', this.text.slice(next.end, to), next.end, this.span(from, to), ':INTERPOLATE:');
      return;
    }
    if (next.k === 'op' && next.text === '(') {
      b.kind = 'graph';
      const table = this.lookupTable(next.at, to, name.text);
      if (!lhsSubs) {
        b.graph = table;
        return;
      }
      // name[elements](…): the table of those elements of an arrayed lookup.
      if (!table) return;
      const choices = lhsSubs.map((sub) => this.elementsOf(sub.text));
      if (b.dims.length === 0) b.dims = lhsSubs.map((sub, d) => this.parentDimension(choices[d]![0]!, sub));
      for (const combo of choices.reduce<string[][]>((acc, list) => acc.flatMap((c) => list.map((x) => [...c, x])), [[]])) {
        (b.elementGraphs ??= []).push({ subscripts: combo.map((text) => ({ text, span: table.span })), xs: table.xs, ys: table.ys, interpolation: 'continuous', span: table.span });
      }
      return;
    }
    if (!(next.k === 'op' && next.text === '=')) throw new VensimSyntaxError(`Expected "=" after "${name.text}".`, next.at);
    // `==` marks a constant that cannot be changed interactively: for a simulation it is `=`.
    const after = toks[i + 1];
    const rhsFrom = after && after.k === 'op' && after.text === '=' && after.at === next.end ? after.end : next.end;
    const rhs = this.text.slice(rhsFrom, to);
    const get = /^\s*GET[ _](?:DIRECT|XLS)[ _](CONSTANTS|DATA|LOOKUPS)\s*\(/i.exec(rhs);
    if (get) {
      const mode = dataMode(dataEq?.[1]);
      if (!mode) throw new VensimSyntaxError(`Unknown data keyword ${dataEq?.[1]}: expected one of ${DATA_MODES.join(', ')}.`, from);
      this.external.spreadsheetFunction(b, lhsSubs, get[1]!.toLowerCase() as 'constants' | 'data' | 'lookups', rhs, rhsFrom, this.span(from, to), mode);
      return;
    }
    if (tabbed) {
      // TABBED ARRAY(1 2 3 <newline> 4 5 6): numbers separated by white space, rows by lines.
      const inner = rhs.slice(rhs.indexOf('(') + 1, rhs.lastIndexOf(')'));
      const at = rhsFrom;
      const rows = inner.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '').map((line) => line.split(/\s+/).map((x): Expr => ({ kind: 'number', value: Number(x), span: this.span(at, at) })));
      if (rows.flat().some((x) => x.kind === 'number' && !Number.isFinite(x.value))) throw new VensimSyntaxError('TABBED ARRAY must contain only numbers.', at);
      this.define(b, lhsSubs, undefined, undefined, rows, this.span(from, to), excluded);
      return;
    }
    const parser = (a: number, z: number) => new VensimExprParser(tokenizeVensim(this.text, a, z), this, this.sink, (k) => this.dims.get(k)?.elements.length, name);
    const integ = /^\s*INTEG\s*\(/i.exec(rhs);
    const withLookup = /^\s*WITH\s+LOOKUP\s*\(/i.exec(rhs);
    let equation: Expr | undefined;
    let rate: Expr | undefined;
    let valueRows: Expr[][] | undefined;
    if (integ) {
      const open = rhsFrom + integ[0].length;
      const close = this.matching(open - 1, to);
      const p = parser(open, close);
      rate = p.expr();
      p['expect'](',');
      equation = p.expr();
      b.kind = 'stock';
    } else if (withLookup) {
      const open = rhsFrom + withLookup[0].length;
      const close = this.matching(open - 1, to);
      const comma = this.topLevelComma(open, close);
      equation = parser(open, comma).expr();
      b.kind = 'graph';
      b.graph = this.lookupTable(this.text.indexOf('(', comma), close, name.text);
    } else {
      const p = parser(rhsFrom, to);
      const rows = p.list();
      if (rows.length === 1 && rows[0]!.length === 1) equation = rows[0]![0];
      else valueRows = rows;
    }
    this.define(b, lhsSubs, equation, rate, valueRows, this.span(from, to), excluded);
  }

  /** `Dim: a, b, c` or `Dim: (a1-a5)` (a mapping `-> Other` is ignored). */
  private rangeDefinition(e: Entry): { name: NameRef; body: number } | undefined {
    const raw = this.text.slice(e.def[0], e.def[1]);
    // Not `x := …` or `x :INTERPOLATE: := …` (data equations), nor `:AND:`-style operators.
    const m = /^(\s*)([^=:[\]()"~|*]+?)\s*:(?!=)(?![=A-Za-z ]*:)/.exec(raw);
    if (!m || raw.slice(0, m[0].length).includes('=')) return undefined;
    const at = e.def[0] + m[1]!.length;
    const text = m[2]!.replace(/\s+/g, ' ').trim();
    return { name: { key: nameKey(text), text, span: this.span(at, at + m[2]!.length) }, body: e.def[0] + m[0].length };
  }

  building(name: NameRef, e: Entry): Building {
    let b = this.vars.get(name.key);
    if (b) this.current = b;
    if (!b) {
      b = { name, kind: 'aux', dims: [], elementEquations: [], elementRates: [], definitions: [], span: name.span };
      this.vars.set(name.key, b);
      this.current = b;
    }
    if (e.units && !b.units) {
      const text = this.text.slice(e.units[0], e.units[1]).replace(/\[[^\]]*\]\s*$/, '').replace(/\\\r?\n/g, ' ').trim();
      const mapped = /^dmnl$/i.test(text) ? '1' : text;
      if (mapped) {
        try {
          parseUnits(mapped);
          b.units = { text: mapped, span: this.span(e.units[0], e.units[1]) };
        } catch (err) {
          if (!(err instanceof UnitSyntaxError)) throw err;
        }
      }
    }
    if (e.doc && !b.doc) {
      const doc = this.text.slice(e.doc[0], e.doc[1]).replace(/\\\r?\n\s*/g, ' ').trim();
      if (doc) b.doc = doc;
    }
    return b;
  }

  /** Records an equation: for all elements, for listed elements, or as a value table. */
  /** The element names a subscript stands for: a range's elements, or itself. */
  elementsOf(text: string): string[] {
    return this.dims.get(nameKey(text))?.elements.map((e) => e.text) ?? [text];
  }

  define(b: Building, subs: SubscriptItem[] | undefined, equation: Expr | undefined, rate: Expr | undefined, rows: Expr[][] | undefined, span: SourceSpan, excluded: string[][][] = []): void {
    b.definitions.push({ subs, equation, rate, rows, span, excluded });
  }

  /** A single definition over whole ranges is apply-to-all; anything else is element by element. */
  private resolveDefinitions(): void {
    for (const b of this.vars.values()) {
      const single = b.definitions.length === 1;
      for (const d of b.definitions) {
        try {
          this.apply(b, d.subs, d.equation, d.rate, d.rows, d.span, d.excluded, single);
        } catch (e) {
          if (!(e instanceof VensimSyntaxError)) throw e;
          this.sink.error('syntax', this.span(e.offset, e.offset + 1), e.message, b.name.text);
        }
      }
      b.definitions = [];
    }
  }

  private apply(b: Building, subs: SubscriptItem[] | undefined, equation: Expr | undefined, rate: Expr | undefined, rows: Expr[][] | undefined, span: SourceSpan, excluded: string[][][], single: boolean): void {
    if (!subs) {
      if (rows) b.valueList = { rows, span };
      else b.equation = equation!;
      if (rate) b.rate = rate;
      return;
    }
    const dimsOf = subs.map((s) => this.dims.get(nameKey(s.text)));
    // A range name used as a value (Vensim) is the element's position in its parent range, so such
    // an equation is written out element by element with those positions.
    const valued = [equation, rate].some((x) => x !== undefined && usesBareName(x, new Set(subs.map((sub) => nameKey(sub.text)))));
    if (dimsOf.every((d) => d !== undefined) && (single || !this.isSubrange(dimsOf)) && excluded.length === 0 && !valued) {
      b.dims = subs.map((s) => ({ key: nameKey(s.text), text: s.text, span: s.span }));
      if (rows) b.valueList = { rows, span };
      else b.equation = equation!;
      if (rate) b.rate = rate;
      return;
    }
    // Element equations; a dimension (or subrange) in a position stands for each of its elements.
    const choices = subs.map((s) => this.dims.get(nameKey(s.text))?.elements.map((e) => e.text) ?? [s.text]);
    const empty = choices.findIndex((c) => c.length === 0);
    if (empty >= 0) throw new VensimSyntaxError(`The subscript range "${subs[empty]!.text}" has no elements.`, subs[empty]!.span.start.offset);
    const isExcluded = (combo: string[]): boolean => excluded.some((ex) => ex.length === combo.length && ex.every((allowed, d) => allowed.some((a) => elementKey(a) === elementKey(combo[d]!))));
    const combos = choices.reduce<string[][]>((acc, list) => acc.flatMap((c) => list.map((x) => [...c, x])), [[]]).filter((c) => !isExcluded(c));
    if (b.dims.length === 0) b.dims = subs.map((s, d) => this.parentDimension(choices[d]![0]!, s));
    const values = rows?.flat();
    combos.forEach((combo, n) => {
      const items = combo.map((text, d) => ({ text, span: subs[d]!.span }));
      // A range named on the left stands for the element being defined wherever it appears on the right.
      const bound = new Map(subs.flatMap((sub, d) => (this.dims.has(nameKey(sub.text)) ? [[nameKey(sub.text), combo[d]!] as const] : [])));
      // A range mapped to a bound one (PREVIOUS COHORT -> ALL BUT YOUNGEST) takes the corresponding element.
      for (const [key, element] of [...bound]) {
        const range = this.dims.get(key)!;
        const at = range.elements.findIndex((el) => el.key === elementKey(element));
        for (const other of this.dims.values()) {
          const mapped = bound.has(other.name.key) ? undefined : mappedElementOf(range, at, other);
          if (mapped) bound.set(other.name.key, mapped.text);
        }
      }
      const eq = values ? values[n] : equation;
      const bind = (x: Expr): Expr => this.bindPositions(bindSubscripts(x, bound), bound);
      if (eq) b.elementEquations.push({ subscripts: items, equation: bind(eq), span });
      if (rate) b.elementRates.push({ subscripts: items, rate: bind(rate), span });
    });
  }

  /** Bare range names bound to an element become that element's position in the parent range. */
  private bindPositions(e: Expr, bound: ReadonlyMap<string, string>): Expr {
    return rewriteExpr(e, (x) => {
      if (x.kind !== 'ref' || x.subscripts || !bound.has(x.name.key)) return undefined;
      const parent = this.parentOf(this.dims.get(x.name.key)!);
      const position = parent.elements.findIndex((el) => el.key === elementKey(bound.get(x.name.key)!));
      return { kind: 'number', value: position + 1, span: x.span };
    });
  }

  private isSubrange(dims: (DimensionDecl | undefined)[]): boolean {
    return dims.some((d) => d && this.parentOf(d) !== d);
  }

  /** The largest dimension containing all of this one's elements (itself if none is larger). */
  private parentOf(d: DimensionDecl): DimensionDecl {
    // The largest range holding all of d's elements; among equals, the one defined first.
    let best: DimensionDecl | undefined;
    for (const other of this.dims.values()) {
      if (!d.elements.every((e) => other.elements.some((o) => o.key === e.key))) continue;
      if (!best || other.elements.length > best.elements.length) best = other;
    }
    return best ?? d;
  }

  parentDimension(element: string, s: SubscriptItem): NameRef {
    const key = elementKey(element);
    const owners = [...this.dims.values()].filter((d) => d.elements.some((e) => e.key === key));
    const parent = owners.map((d) => this.parentOf(d)).sort((a, b) => b.elements.length - a.elements.length)[0];
    if (!parent) throw new VensimSyntaxError(`"${element}" is not an element of any subscript range.`, s.span.start.offset);
    return { key: parent.name.key, text: parent.name.text, span: s.span };
  }

  private dimension(name: NameRef, from: number, to: number): void {
    const source = this.text.slice(from, to).replace(/\\\r?\n/g, ' ');
    if (/^\s*GET[ _](?:DIRECT|XLS)[ _]SUBSCRIPTS?\s*\(/i.test(source)) return this.external.subscriptsFromSheet(name, source, from);
    const [elementsText, mapping] = source.split('->');
    const body = elementsText!;
    // "-> Other, Another" maps element by element in order; "-> (Other: b3, b1, b2)" as listed.
    const written = splitMappings(mapping ?? '');
    const mapsTo: NameRef[] = written.map((m) => ({ key: nameKey(m.to), text: m.to, span: name.span }));
    const mapLists = written.flatMap((m) => (m.elements ? [{ to: nameKey(m.to), elements: m.elements.flatMap((e) => this.elementsOf(e)).map((e) => ({ key: elementKey(e), text: e, span: name.span })) }] : []));
    const elements: NameRef[] = [];
    for (const part of body.split(',')) {
      const t = part.trim();
      if (!t) continue;
      const range = /^\(\s*([^\d\s]*)(\d+)\s*-\s*([^\d\s]*)(\d+)\s*\)$/.exec(t);
      if (range) {
        for (let n = Number(range[2]); n <= Number(range[4]); n++) elements.push({ key: elementKey(`${range[1]}${n}`), text: `${range[1]}${n}`, span: name.span });
      } else if (this.dims.has(nameKey(t))) {
        elements.push(...this.dims.get(nameKey(t))!.elements); // a range made of another range
      } else {
        elements.push({ key: elementKey(t), text: t.replace(/\s+/g, ' '), span: name.span });
      }
    }
    if (elements.length === 0) throw new VensimSyntaxError(`The subscript range "${name.text}" has no elements.`, name.span.start.offset);
    this.dims.set(name.key, { name, elements, ...(mapsTo.length ? { mapsTo } : {}), ...(mapLists.length ? { mapLists } : {}), span: name.span });
  }

  /** Points of `( [(x0,y0)-(x1,y1)], (x,y), … )` or `( (x…), (y…) )`, from the "(" at `open`. */
  private lookupTable(open: number, to: number, owner: string): GraphSpec | undefined {
    const close = this.matching(open, to);
    const body = this.text.slice(open + 1, close).replace(/\\\r?\n/g, '').replace(/\[[^\]]*\]/, '');
    const groups = [...body.matchAll(/\(([^()]*)\)/g)].map((m) => m[1]!.split(',').map((x) => Number(x.trim())));
    let xs: number[] = [];
    let ys: number[] = [];
    if (groups.length > 0 && groups.every((g) => g.length === 2)) {
      xs = groups.map((g) => g[0]!);
      ys = groups.map((g) => g[1]!);
    } else if (groups.length === 2 && groups[0]!.length === groups[1]!.length) {
      [xs, ys] = [groups[0]!, groups[1]!];
    }
    if (xs.length === 0 || [...xs, ...ys].some((v) => !Number.isFinite(v))) {
      this.sink.error('graph', this.span(open, close), `The lookup table of "${owner}" cannot be read.`, owner);
      return undefined;
    }
    return { ...this.external.inOrder(xs, ys, owner, this.span(open, close)), interpolation: 'continuous', span: this.span(open, close) };
  }

  private matching(open: number, to: number): number {
    let depth = 0;
    for (let i = open; i < to; i++) {
      if (this.text[i] === '(') depth++;
      else if (this.text[i] === ')' && --depth === 0) return i;
    }
    throw new VensimSyntaxError('A "(" is not closed.', open);
  }

  private topLevelComma(from: number, to: number): number {
    let depth = 0;
    for (let i = from; i < to; i++) {
      const c = this.text[i];
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (c === ',' && depth === 0) return i;
    }
    throw new VensimSyntaxError('Expected "," in WITH LOOKUP.', from);
  }

  // ---- assembling ---------------------------------------------------------------------------

  private assemble(): ModelAst {
    const variables: VarDecl[] = [];
    const flowKinds = new Set<string>();
    const stocks = [...this.vars.values()].filter((b) => b.kind === 'stock');
    const inflows = new Map<string, NameRef[]>();
    const outflows = new Map<string, NameRef[]>();
    const synthetic: Building[] = [];
    for (const s of stocks) {
      const split = s.rate && s.elementRates.length === 0 ? this.splitRate(s, s.rate) : undefined;
      if (split) {
        inflows.set(s.name.key, split.in);
        outflows.set(s.name.key, split.out);
        for (const f of [...split.in, ...split.out]) flowKinds.add(f.key);
      } else {
        // The rate is an expression, not a sum of flows: it becomes a flow of its own.
        const name: NameRef = { key: nameKey(`${s.name.text} net flow`), text: `${s.name.text} net flow`, span: s.name.span };
        synthetic.push({
          name,
          kind: 'flow',
          dims: s.dims,
          ...(s.rate ? { equation: s.rate } : {}),
          elementEquations: s.elementRates.map((r) => ({ subscripts: r.subscripts, equation: r.rate, span: r.span })),
          elementRates: [],
          definitions: [],
          span: s.span,
        });
        inflows.set(s.name.key, [name]);
      }
    }
    for (const b of this.vars.values()) this.separateData(b, synthetic);
    for (const b of [...this.vars.values(), ...synthetic]) this.completeElements(b);
    for (const b of [...this.vars.values(), ...synthetic]) {
      const kind = flowKinds.has(b.name.key) && b.kind === 'aux' ? 'flow' : b.kind;
      variables.push({
        kind,
        name: b.name,
        dims: b.dims,
        ...(b.units ? { units: b.units } : {}),
        ...(b.equation ? { equation: b.equation } : {}),
        ...(b.valueList ? { valueList: b.valueList } : {}),
        elementEquations: b.elementEquations,
        inflows: inflows.get(b.name.key) ?? [],
        outflows: outflows.get(b.name.key) ?? [],
        nonNegative: false,
        ...(b.doc ? { doc: b.doc } : {}),
        ...(b.graph ? { graph: b.graph } : {}),
        ...(b.elementGraphs ? { elementGraphs: b.elementGraphs } : {}),
        ...(b.broken ? { broken: true } : {}),
        span: b.span,
      });
    }
    return { file: this.file, sim: this.simSpecs(), dimensions: [...this.dims.values()], variables };
  }

  /**
   * Data for some elements and equations for others (`x[A] := GET DIRECT DATA(…)`, `x[B] = 5`):
   * the data become a table per element of their own graph, "x data", which those elements look
   * up at TIME.
   */
  private separateData(b: Building, synthetic: Building[]): void {
    if (b.kind !== 'graph' || !b.elementGraphs?.length || b.elementEquations.length === 0) return;
    const text = `${b.name.text} data`;
    const name: NameRef = { key: nameKey(text), text, span: b.name.span };
    synthetic.push({ name, kind: 'graph', dims: b.dims, elementGraphs: b.elementGraphs, elementEquations: [], elementRates: [], definitions: [], span: b.span, quiet: true });
    for (const g of b.elementGraphs) {
      const table: Expr = { kind: 'ref', name, subscripts: g.subscripts, span: g.span };
      b.elementEquations.push({ subscripts: g.subscripts, equation: { kind: 'call', name: { key: 'lookup', text: 'LOOKUP', span: g.span }, args: [table, { kind: 'ref', name: { key: 'time', text: 'TIME', span: g.span }, span: g.span }], span: g.span }, span: g.span });
    }
    b.kind = 'aux';
    delete b.equation;
    delete b.elementGraphs;
  }

  /** Vensim leaves elements without an equation at 0; say so, and make it explicit. */
  private completeElements(b: Building): void {
    if (b.broken) return; // already reported
    const tables = b.kind === 'graph' && !b.graph && b.elementGraphs?.length;
    if (!tables && (b.equation || b.valueList || b.elementEquations.length === 0 || b.kind === 'graph')) return;
    const dims = b.dims.map((d) => this.dims.get(d.key));
    if (dims.some((d) => !d)) return;
    const defined = tables ? b.elementGraphs! : b.elementEquations;
    const have = new Set(defined.map((e) => e.subscripts.map((x) => elementKey(x.text)).join(',')));
    const combos = dims.reduce<string[][]>((acc, d) => acc.flatMap((c) => d!.elements.map((e) => [...c, e.text])), [[]]);
    const missing = combos.filter((c) => !have.has(c.map(elementKey).join(',')));
    if (missing.length === 0) return;
    const span = b.span;
    if (!b.quiet) this.sink.warning('missing-equation', span, `"${b.name.text}" has no equation for ${missing.map((m) => `[${m.join(', ')}]`).slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}; as in Vensim, those elements are 0.`, b.name.text);
    for (const m of missing) {
      const subscripts = m.map((text) => ({ text, span }));
      if (tables) b.elementGraphs!.push({ subscripts, xs: [0], ys: [0], interpolation: 'continuous', span });
      else b.elementEquations.push({ subscripts, equation: { kind: 'number', value: 0, span }, span });
    }
  }

  /** `a + b - c` where each term is a plain variable with the stock's dimensions → flows. */
  private splitRate(stock: Building, rate: Expr): { in: NameRef[]; out: NameRef[] } | undefined {
    const ins: NameRef[] = [];
    const outs: NameRef[] = [];
    const visit = (e: Expr, sign: 1 | -1): boolean => {
      if (e.kind === 'binary' && (e.op === '+' || e.op === '-')) return visit(e.left, sign) && visit(e.right, e.op === '-' ? (-sign as 1 | -1) : sign);
      if (e.kind === 'unary' && e.op === '-') return visit(e.arg, -sign as 1 | -1);
      if (e.kind !== 'ref') return false;
      const target = this.vars.get(e.name.key);
      if (!target || target.kind !== 'aux' || target.elementRates.length > 0) return false;
      const sameDims = target.dims.length === stock.dims.length && target.dims.every((d, i) => d.key === stock.dims[i]!.key);
      const plain = !e.subscripts || e.subscripts.every((s, i) => nameKey(s.text) === stock.dims[i]?.key);
      if (!sameDims || !plain) return false;
      (sign === 1 ? ins : outs).push(target.name);
      return true;
    };
    return visit(rate, 1) && new Set([...ins, ...outs].map((n) => n.key)).size === ins.length + outs.length ? { in: ins, out: outs } : undefined;
  }

  private simSpecs(): SimSpecDecl {
    const value = (key: string): { kind: 'number'; value: number; span: SourceSpan } | undefined => {
      const b = this.vars.get(key);
      if (!b?.equation) return undefined;
      const folded = this.fold(b.equation, new Set());
      return folded === undefined ? undefined : { kind: 'number', value: folded, span: b.equation.span };
    };
    const start = value('initial time');
    let stop = value('final time');
    // A FINAL TIME computed during the run: run to its largest possible value and stop when TIME reaches it.
    const finalTime = this.vars.get('final time');
    let stopAt: NameRef | undefined;
    if (!stop && finalTime?.equation) {
      const bound = this.upperBound(finalTime.equation);
      if (bound !== undefined) {
        stop = { kind: 'number', value: bound, span: finalTime.equation.span };
        stopAt = finalTime.name;
      }
    }
    const dt = value('time step');
    const save = value('saveper');
    const unitsOf = this.vars.get('time step')?.units ?? this.vars.get('final time')?.units;
    const span = this.vars.get('final time')?.span ?? this.span(0, 0);
    const whole = save && dt && Math.abs(save.value / dt.value - Math.round(save.value / dt.value)) < 1e-9;
    return {
      ...(start ? { start } : {}),
      ...(stop ? { stop } : {}),
      ...(dt ? { dt } : {}),
      ...(save && whole ? { saveEvery: save } : {}),
      ...(stopAt ? { stopAt } : {}),
      ...(unitsOf && /^[A-Za-z][A-Za-z ]*$/.test(unitsOf.text) ? { timeUnit: { value: unitsOf.text, span } } : {}),
      span,
    };
  }

  /** The largest value an IF THEN ELSE of constants and other terms can take, from its constant branches. */
  private upperBound(e: Expr): number | undefined {
    const direct = this.fold(e, new Set());
    if (direct !== undefined) return direct;
    if (e.kind === 'if' || (e.kind === 'call' && e.name.key === 'if then else' && e.args.length === 3)) {
      const [a, b] = e.kind === 'if' ? [e.then, e.else] : [e.args[1]!, e.args[2]!];
      const bounds = [this.upperBound(a), this.upperBound(b)].filter((x): x is number => x !== undefined);
      return bounds.length ? Math.max(...bounds) : undefined;
    }
    return undefined;
  }

  private fold(e: Expr, seen: Set<string>): number | undefined {
    if (e.kind === 'ref' && !e.subscripts) {
      const b = this.vars.get(e.name.key);
      if (!b?.equation || seen.has(e.name.key)) return undefined;
      seen.add(e.name.key);
      return this.fold(b.equation, seen);
    }
    if (e.kind === 'binary') {
      const a = this.fold(e.left, seen);
      const c = this.fold(e.right, seen);
      if (a === undefined || c === undefined) return undefined;
      return foldConstant({ ...e, left: { kind: 'number', value: a, span: e.span }, right: { kind: 'number', value: c, span: e.span } });
    }
    return foldConstant(e);
  }
}

/** Replaces subscripts naming a bound range by the element being defined. */
function bindSubscripts(e: Expr, bound: ReadonlyMap<string, string>): Expr {
  if (bound.size === 0) return e;
  return rewriteExpr(e, (x) => (x.kind === 'ref' && x.subscripts ? { ...x, subscripts: x.subscripts.map((s) => ({ ...s, text: bound.get(nameKey(s.text)) ?? s.text })) } : undefined));
}

/** Whether an expression uses one of these names as a plain value (not as a function or array). */
function usesBareName(e: Expr, keys: ReadonlySet<string>): boolean {
  let found = false;
  rewriteExpr(e, (x) => {
    if (x.kind === 'ref' && !x.subscripts && keys.has(x.name.key)) found = true;
    return undefined;
  });
  return found;
}
