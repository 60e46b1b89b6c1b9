/**
 * Graphs that read a data table (`data: "Population projections"`) get their points here, before
 * the model is checked: one table per element of an arrayed graph, x from the table's time column
 * and y from the column named like the element (a wide table) or from the value column of the rows
 * whose key column holds the element's name (a long table). Every problem names the graph and the
 * property line it comes from.
 */
import { DiagnosticSink, type Diagnostic } from '../diagnostics.js';
import type { DataBinding, DimensionDecl, ElementGraph, ModelAst, SubscriptItem, VarDecl } from '../language/ast.js';
import { elementKey, nameKey } from '../names.js';
import type { DataTableData, DataTableSource } from './table.js';

export interface BindOptions {
  /**
   * Without tables (the editor's analysis, which has no project at hand) bindings get a placeholder
   * point so the rest of the model is still checked; a run always passes the tables.
   */
  readonly placeholders?: boolean;
}

export interface BindResult {
  readonly ast: ModelAst;
  readonly diagnostics: readonly Diagnostic[];
}

const TIME_COLUMN = /^(year|years|time|date|period)$/i;

export function bindDataTables(ast: ModelAst, source: DataTableSource | undefined, options: BindOptions = {}): BindResult {
  if (!ast.variables.some((v) => v.data)) return { ast, diagnostics: [] };
  const sink = new DiagnosticSink(ast.file);
  const dims = new Map(ast.dimensions.map((d) => [d.name.key, d]));
  const variables = ast.variables.map((v) => {
    if (!v.data) return v;
    if (!source) {
      if (options.placeholders) return withPoints(v, [[0], [0]], undefined);
      sink.error('data-table', v.data.table.span, `"${v.name.text}" reads the data table "${v.data.table.text}", but no data tables are available here: run the model in the project that holds the table, or name a .csv or .xlsx file next to the model.`, v.name.text);
      return withPoints(v, [[0], [0]], undefined);
    }
    const table = source(v.data.table.text);
    if (!table || typeof table === 'string') {
      sink.error('data-table', v.data.table.span, typeof table === 'string'
        ? `The data table "${v.data.table.text}" (for "${v.name.text}") cannot be read: ${table}`
        : `There is no data table called "${v.data.table.text}" (for "${v.name.text}"): import it into the project, or check the name.`, v.name.text);
      return withPoints(v, [[0], [0]], undefined);
    }
    return bindOne(v, v.data, table, dims, sink, options.placeholders === true) ?? withPoints(v, [[0], [0]], undefined);
  });
  return { ast: { ...ast, variables }, diagnostics: sink.items };
}

/** The graph with its points, or undefined after reporting why it has none. */
function bindOne(v: VarDecl, data: DataBinding, table: DataTableData, dims: ReadonlyMap<string, DimensionDecl>, sink: DiagnosticSink, namesOnly: boolean): VarDecl | undefined {
  const fail = (span: DataBinding['span'], message: string): undefined => {
    sink.error('data-table', span, message, v.name.text);
    return undefined;
  };
  const name = `"${data.table.text}"`;
  const column = (text: string): number => table.columns.findIndex((c) => nameKey(c) === nameKey(text));
  const list = table.columns.join(', ');

  let xAt: number;
  if (data.x) {
    xAt = column(data.x.text);
    if (xAt < 0) return fail(data.x.span, `The data table ${name} has no column "${data.x.text}" (its columns: ${list}).`);
  } else {
    xAt = table.columns.findIndex((c) => TIME_COLUMN.test(c.trim()));
    if (xAt < 0) return fail(data.table.span, `Which column of ${name} holds the years? Add  data x: "column"  (its columns: ${list}).`);
  }
  const filters: { at: number; value: string }[] = [];
  for (const w of data.where) {
    const at = column(w.column.text);
    if (at < 0) return fail(w.column.span, `The data table ${name} has no column "${w.column.text}" (its columns: ${list}).`);
    filters.push({ at, value: w.value.text });
  }
  let yAt: number | undefined;
  if (data.y) {
    yAt = column(data.y.text);
    if (yAt < 0) return fail(data.y.span, `The data table ${name} has no column "${data.y.text}" (its columns: ${list}).`);
  }

  // Each dimension is either named by columns (one per element) or by the values of a key column.
  const declared = v.dims.map((d) => dims.get(d.key));
  if (declared.some((d) => !d)) return undefined; // the checker reports the unknown dimension
  const taken = new Set([xAt, ...filters.map((f) => f.at), ...(yAt === undefined ? [] : [yAt])]);
  const byColumn: (number[] | undefined)[] = [];
  const byKey: (number | undefined)[] = [];
  for (const d of declared as DimensionDecl[]) {
    const elements = d.elements.map((e) => e.text);
    const asColumns = elements.map((e) => column(e));
    if (yAt === undefined && asColumns.every((c) => c >= 0) && !byColumn.some((c) => c)) {
      byColumn.push(asColumns);
      byKey.push(undefined);
      continue;
    }
    const key = table.columns.findIndex((_, c) => !taken.has(c) && elements.every((e) => table.rows.some((r) => matches(r[c], e))));
    if (key < 0 && !namesOnly) {
      return fail(data.table.span, `No column of ${name} names the elements of ${d.name.text} (${elements.join(', ')}): name columns after them, or give the table a column whose values are those names.`);
    }
    taken.add(key);
    byColumn.push(undefined);
    byKey.push(key < 0 ? undefined : key);
  }
  if (yAt === undefined && !byColumn.some((c) => c)) {
    const numeric = table.columns.map((_, c) => c).filter((c) => !taken.has(c) && table.rows.some((r) => typeof r[c] === 'number'));
    if (numeric.length !== 1) {
      return fail(data.table.span, numeric.length === 0
        ? `The data table ${name} has no column of values left to read for "${v.name.text}".`
        : `Which column of ${name} holds the values of "${v.name.text}"? Add  data y: "column"  (one of ${numeric.map((c) => `"${table.columns[c]}"`).join(', ')}).`);
    }
    yAt = numeric[0];
  }
  if (namesOnly) return withPoints(v, [[0], [0]], undefined);

  // One table per element, row-major over the dimensions.
  const sizes = (declared as DimensionDecl[]).map((d) => d.elements.length);
  const count = sizes.reduce((a, b) => a * b, 1);
  const graphs: ElementGraph[] = [];
  let scalar: [number[], number[]] | undefined;
  for (let flat = 0; flat < count; flat++) {
    const index: number[] = [];
    for (let d = sizes.length - 1, rest = flat; d >= 0; d--) {
      index[d] = rest % sizes[d]!;
      rest = Math.floor(rest / sizes[d]!);
    }
    const names = index.map((i, d) => (declared[d] as DimensionDecl).elements[i]!.text);
    let y = yAt;
    const conditions = [...filters];
    index.forEach((i, d) => {
      if (byColumn[d]) y = byColumn[d]![i];
      else if (byKey[d] !== undefined) conditions.push({ at: byKey[d]!, value: names[d]! });
    });
    const points = new Map<number, number>();
    for (const r of table.rows) {
      if (!conditions.every((c) => matches(r[c.at], c.value))) continue;
      const x = r[xAt];
      const value = r[y!];
      if (typeof x !== 'number' || typeof value !== 'number' || !Number.isFinite(x) || !Number.isFinite(value)) continue;
      if (points.has(x)) {
        const which = names.length ? ` for ${names.join(', ')}` : '';
        return fail(data.table.span, `The data table ${name} has two rows for ${table.columns[xAt]} ${x}${which}: pick one with  data where: "column" = "value".`);
      }
      points.set(x, value);
    }
    if (points.size === 0) {
      const which = [...conditions.map((c) => `${table.columns[c.at]} = ${c.value}`)];
      return fail(data.table.span, `No row of ${name} has a value for "${v.name.text}${names.length ? `[${names.join(', ')}]` : ''}"${which.length ? ` (looking for ${which.join(', ')})` : ''}.`);
    }
    const sorted = [...points.entries()].sort((a, b) => a[0] - b[0]);
    const xs = sorted.map((p) => p[0]);
    const ys = sorted.map((p) => p[1]);
    if (names.length === 0) scalar = [xs, ys];
    else graphs.push({ subscripts: names.map((text): SubscriptItem => ({ text, span: data.span })), xs, ys, interpolation: data.interpolation ?? 'continuous', span: data.span });
  }
  return scalar ? withPoints(v, scalar, data) : { ...v, elementGraphs: graphs };
}

function matches(cell: number | string | null | undefined, value: string): boolean {
  if (cell === null || cell === undefined) return false;
  if (typeof cell === 'number') return Number(value) === cell;
  return elementKey(cell) === elementKey(value);
}

function withPoints(v: VarDecl, [xs, ys]: [number[], number[]], data: DataBinding | undefined): VarDecl {
  return { ...v, graph: { xs, ys, interpolation: data?.interpolation ?? v.data?.interpolation ?? 'continuous', span: v.data?.span ?? v.span } };
}
