import type { DiagnosticSink, SourceSpan } from '../../diagnostics.js';
import type { DimensionDecl, Expr, GraphSpec, NameRef, SubscriptItem } from '../../language/ast.js';
import { elementKey, nameKey } from '../../names.js';
import type { SpreadsheetSource } from '../spreadsheet.js';
import type { Building, Entry } from './building.js';
import { dataMode, dataTable, increasing, type DataMode } from './data.js';
import { readDataFile, seriesKey, type DataFile, type DataSeries } from './datafile.js';
import { VensimSyntaxError } from './expr.js';

/** What the readers of files next to a model need from the .mdl reader. */
export interface ExternalHost {
  readonly sink: DiagnosticSink;
  readonly dims: Map<string, DimensionDecl>;
  span(from: number, to: number): SourceSpan;
  elementsOf(text: string): string[];
  parentDimension(element: string, s: SubscriptItem): NameRef;
  building(name: NameRef, e: Entry): Building;
  define(b: Building, subs: SubscriptItem[] | undefined, equation: Expr | undefined, rate: Expr | undefined, rows: Expr[][] | undefined, span: SourceSpan): void;
}

/**
 * Vensim's external values: GET XLS/DIRECT CONSTANTS, DATA, LOOKUPS and SUBSCRIPT (spreadsheets
 * and delimited text next to the model), and data variables read from data files.
 */
export class ExternalReader {
  /** The data files next to the model, read when a data variable first needs them. */
  private read: { name: string; data: ReturnType<typeof readDataFile> }[] | undefined;

  constructor(
    private readonly host: ExternalHost,
    private readonly spreadsheets?: SpreadsheetSource,
    private readonly dataFiles?: () => readonly DataFile[],
  ) {}

  /**
   * A data variable without an equation: one series per element from the data files next to the
   * model (`.tab`, `.csv`, `.dat`, as Vensim exports them), the first file that has it.
   */
  dataFromFiles(m: RegExpExecArray, at: number, e: Entry): void {
    const text = m[1]!.replace(/^"|"$/g, '').replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
    const name: NameRef = { key: nameKey(text), text, span: this.host.span(at, at + m[1]!.length) };
    const b = this.host.building(name, e);
    const mode = dataMode(m[3])!;
    const span = this.host.span(e.def[0], e.def[1]);
    const subs: SubscriptItem[] | undefined = m[2]?.split(',').map((s) => ({ text: s.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim(), span: name.span }));
    const files = (this.read ??= (this.dataFiles?.() ?? []).map((f) => ({ name: f.name, data: readDataFile(f) })));
    const find = (elements: string[]): DataSeries => {
      const key = seriesKey(text, elements);
      for (const f of files) {
        const series = typeof f.data === 'string' ? undefined : f.data.get(key);
        if (series && series.xs.length > 0) return series;
      }
      const label = elements.length ? `${text}[${elements.join(', ')}]` : text;
      const unread = files.filter((f) => typeof f.data === 'string').map((f) => `${f.name}: ${f.data as string}`);
      const where = files.length === 0 ? 'there is no data file (.tab, .csv or .dat) next to the model' : `none of the data files next to the model (${files.map((f) => f.name).join(', ')}) has values for it${unread.length ? `; could not read ${unread.join('; ')}` : ''}`;
      throw new VensimSyntaxError(`"${label}" is a data variable without an equation, and ${where}.`, at);
    };
    b.kind = 'graph';
    b.equation = { kind: 'ref', name: { key: 'time', text: 'TIME', span }, span };
    if (!subs) {
      const s = find([]);
      const o = this.inOrder(s.xs, s.ys, text, span);
      b.graph = dataTable(o.xs, o.ys, mode, span);
      return;
    }
    const choices = subs.map((sub) => this.host.elementsOf(sub.text));
    // Declared over ranges (x[A, B]): those ranges; with single elements, the ranges holding them.
    const ranges = subs.map((sub) => this.host.dims.get(nameKey(sub.text)));
    if (b.dims.length === 0) b.dims = ranges.every((r) => r) ? ranges.map((r, d) => ({ key: r!.name.key, text: r!.name.text, span: subs[d]!.span })) : subs.map((sub, d) => this.host.parentDimension(choices[d]![0]!, sub));
    for (const combo of choices.reduce<string[][]>((acc, list) => acc.flatMap((c) => list.map((x) => [...c, x])), [[]])) {
      const s = find(combo);
      const o = this.inOrder(s.xs, s.ys, text, span);
      const g = dataTable(o.xs, o.ys, mode, span);
      (b.elementGraphs ??= []).push({ subscripts: combo.map((t) => ({ text: t, span })), xs: g.xs, ys: g.ys, interpolation: g.interpolation, span });
    }
  }

  /**
   * GET XLS/DIRECT CONSTANTS, DATA and LOOKUPS: values from a spreadsheet next to the model.
   * Constants become values (a row, a column with "*", or a table for two dimensions); data and
   * lookups become graphs over TIME (one table per element for a one-dimensional array).
   */
  spreadsheetFunction(b: Building, subs: SubscriptItem[] | undefined, what: 'constants' | 'data' | 'lookups', rhs: string, at: number, span: SourceSpan, mode: DataMode): void {
    const args = [...rhs.matchAll(/'([^']*)'/g)].map((m) => m[1]!.trim());
    const [file, tab] = args;
    if (!file || tab === undefined || args.length < (what === 'constants' ? 3 : 4)) throw new VensimSyntaxError(`GET ${what.toUpperCase()} needs a file, a sheet and cells, each in single quotes.`, at);
    const sheet = this.spreadsheets?.(file, tab) ?? 'spreadsheets can only be read for a model opened from a file';
    if (typeof sheet === 'string') throw new VensimSyntaxError(`Sheet "${tab}" of "${file}" could not be read: ${sheet}.`, at);
    const sizes = (subs ?? []).map((s) => this.host.elementsOf(s.text).length);
    const cellAt = (name: string) => {
      const range = sheet.range(name);
      if (!range) throw new VensimSyntaxError(`"${name}" is neither a cell nor a name defined in "${file}".`, at);
      return range.from;
    };
    const read = (col: number, row: number): number => {
      const v = sheet.value(col, row);
      if (v === undefined) throw new VensimSyntaxError(`The cell in column ${col + 1}, row ${row + 1} of sheet "${tab}" is empty or not a number.`, at);
      return v;
    };
    const num = (value: number): Expr => ({ kind: 'number', value, span });
    if (what === 'constants') {
      const down = args[2]!.endsWith('*');
      const start = cellAt(args[2]!.replace(/\*$/, ''));
      const step = (i: number, j: number) => (down ? read(start.col + j, start.row + i) : read(start.col + i, start.row + j));
      // Positions naming a single element do not count: x[dim, female] reads a row, like x[dim].
      const shape = sizes.filter((n) => n > 1);
      if (shape.length === 0) return this.host.define(b, subs, num(read(start.col, start.row)), undefined, undefined, span);
      if (shape.length === 1) return this.host.define(b, subs, undefined, undefined, [Array.from({ length: shape[0]! }, (_, i) => num(step(i, 0)))], span);
      if (shape.length === 2) return this.host.define(b, subs, undefined, undefined, Array.from({ length: shape[0]! }, (_, r) => Array.from({ length: shape[1]! }, (_, c) => num(down ? step(r, c) : read(start.col + c, start.row + r)))), span);
      throw new VensimSyntaxError('GET CONSTANTS reads at most two dimensions of several elements (as in Vensim): write one equation for each element of the others, such as x[A, B, c1] = GET DIRECT CONSTANTS(…).', at);
    }
    // Where the times (or x values) are: a row number, a column letter, or a cell/name.
    const dataStart = cellAt(args[3]!);
    const timeArg = args[2]!;
    let across: boolean;
    let timeStart: { col: number; row: number };
    let timeEnd: { col: number; row: number } | undefined;
    if (/^\d+$/.test(timeArg)) {
      across = true;
      timeStart = { col: dataStart.col, row: Number(timeArg) - 1 };
    } else if (/^[A-Za-z]{1,3}$/.test(timeArg)) {
      across = false;
      const col = [...timeArg.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
      timeStart = { col, row: dataStart.row };
    } else {
      const range = sheet.range(timeArg);
      if (!range) throw new VensimSyntaxError(`"${timeArg}" is neither a cell nor a name defined in "${file}".`, at);
      across = range.to.col > range.from.col || (range.to.row === range.from.row && range.from.row !== dataStart.row);
      timeStart = range.from;
      if (range.to.col !== range.from.col || range.to.row !== range.from.row) timeEnd = range.to;
    }
    const xs: number[] = [];
    const positions: number[] = [];
    // Times run until a long gap (a cell without a time is skipped, with its value, as in Vensim).
    for (let k = 0, gap = 0; k < 100000 && gap < 32; k++) {
      const col = across ? timeStart.col + k : timeStart.col;
      const row = across ? timeStart.row : timeStart.row + k;
      if (timeEnd && (col > timeEnd.col || row > timeEnd.row)) break;
      const t = sheet.value(col, row);
      if (t === undefined) {
        gap++;
        continue;
      }
      gap = 0;
      xs.push(t);
      positions.push(k);
    }
    if (xs.length === 0) throw new VensimSyntaxError(`No times (x values) found at "${timeArg}" in sheet "${tab}".`, at);
    const series = (offset: number): GraphSpec => {
      const px: number[] = [];
      const py: number[] = [];
      positions.forEach((k, i) => {
        const v = across ? sheet.value(dataStart.col + k, dataStart.row + offset) : sheet.value(dataStart.col + offset, dataStart.row + k);
        if (v !== undefined) {
          px.push(xs[i]!);
          py.push(v);
        }
      });
      if (px.length === 0) throw new VensimSyntaxError(`No values found at "${args[3]}" in sheet "${tab}".`, at);
      const ordered = this.inOrder(px, py, b.name.text, span);
      return dataTable(ordered.xs, ordered.ys, mode, span);
    };
    b.kind = 'graph';
    if (what === 'data') b.equation = { kind: 'ref', name: { key: 'time', text: 'TIME', span }, span };
    if (sizes.length === 0) {
      b.graph = series(0);
      return;
    }
    // One series per element, in row-major order of the elements named (x[A, B] with A and B
    // ranges: A's first element with each of B's, then A's second, …).
    const choices = subs!.map((sub) => this.host.elementsOf(sub.text));
    if (b.dims.length === 0) b.dims = subs!.map((sub, d) => this.host.parentDimension(choices[d]![0]!, sub));
    choices.reduce<string[][]>((acc, list) => acc.flatMap((c) => list.map((x) => [...c, x])), [[]]).forEach((names, i) => {
      const g = series(i);
      (b.elementGraphs ??= []).push({ subscripts: names.map((text) => ({ text, span })), xs: g.xs, ys: g.ys, interpolation: g.interpolation, span });
    });
  }

  /**
   * GET DIRECT SUBSCRIPT(file, sheet, first cell, last cell, prefix): the range's elements are the
   * cells from first to last (a row, a column or a block, row by row; to the first empty cell when
   * last is ''), each with the prefix in front: prefix "Depth" and cells 1, 2 give Depth1, Depth2.
   */
  subscriptsFromSheet(name: NameRef, source: string, at: number): void {
    const args = [...source.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
    if (args.length < 4) throw new VensimSyntaxError('GET DIRECT SUBSCRIPT needs a file, a sheet, a first and a last cell (and a prefix), each in single quotes.', at);
    const [file, tab, first, last, prefix = ''] = args as [string, string, string, string, string?];
    const sheet = this.spreadsheets?.(file, tab) ?? 'spreadsheets can only be read for a model opened from a file';
    if (typeof sheet === 'string') throw new VensimSyntaxError(`Sheet "${tab}" of "${file}" could not be read: ${sheet}.`, at);
    const start = sheet.range(first)?.from;
    const end = last.trim() === '' ? undefined : sheet.range(last)?.from;
    if (!start || (last.trim() !== '' && !end)) throw new VensimSyntaxError(`"${start ? last : first}" is neither a cell nor a name defined in "${file}".`, at);
    const cell = (col: number, row: number): string | undefined => {
      const t = sheet.text?.(col, row);
      if (t !== undefined && t.trim() !== '') return t.trim();
      const v = sheet.value(col, row);
      return v === undefined ? undefined : String(v);
    };
    const names: string[] = [];
    if (end) {
      for (let row = start.row; row <= end.row; row++) for (let col = start.col; col <= end.col; col++) names.push(cell(col, row) ?? '');
    } else {
      const across = cell(start.col + 1, start.row) !== undefined;
      for (let k = 0; k < 10000; k++) {
        const t = across ? cell(start.col + k, start.row) : cell(start.col, start.row + k);
        if (t === undefined) break;
        names.push(t);
      }
    }
    const empty = names.findIndex((n) => n === '');
    if (names.length === 0 || empty >= 0) throw new VensimSyntaxError(`The cells from ${first} to ${last || 'the first empty cell'} of sheet "${tab}" ${names.length === 0 ? 'hold no element names' : `include an empty cell (element ${empty + 1})`}.`, at);
    const elements = names.map((n): NameRef => ({ key: elementKey(prefix + n), text: prefix + n, span: name.span }));
    this.host.dims.set(name.key, { name, elements, span: name.span });
  }

  /** Points in order of x (Vensim's may go down, or repeat an x for a step), with a warning when changed. */
  inOrder(xs: readonly number[], ys: readonly number[], owner: string, span: SourceSpan): { xs: number[]; ys: number[] } {
    const r = increasing(xs, ys);
    if (r.changed === 'sorted') this.host.sink.warning('graph', span, `The points of lookup "${owner}" are not in order of x; they were sorted.`, owner);
    if (r.changed === 'stepped') this.host.sink.warning('graph', span, `Lookup "${owner}" repeats an x value (a vertical step); the second point was moved just after the first.`, owner);
    return { xs: r.xs, ys: r.ys };
  }
}
