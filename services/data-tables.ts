/**
 * Data tables imported into a project: population projections, prevalence rates, unit costs — a
 * table by year (× age band, and optionally area, sex, …) from a CSV file or an Excel sheet.
 *
 * Two layouts are read: long (a year column, key columns such as area or age band, value columns)
 * and wide by year (years as column headers, as ONS projections are published), which is turned
 * into the long layout with `year` and `value` columns. Every problem names its cell as the file
 * shows it (C7): missing or repeated headers, text in a numeric column, repeated rows, years
 * missing from a series, empty cells. Errors refuse the import; warnings come with it.
 */
import { cellNumber, parseDelimited } from '../engine/src/index.js';
import { readXlsx, XlsxError } from './xlsx.js';

export type Cell = number | string | null;

export interface DataProblem {
  readonly severity: 'error' | 'warning';
  /** The cell as the file shows it ("C7"), when the problem is in one cell. */
  readonly cell?: string;
  readonly message: string;
}

export interface ParsedDataTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  /** What the import did with the layout, for the table's notes ("wide by year: 11 year columns"). */
  readonly layout: 'long' | 'wide-by-year';
}

export interface DataReadResult {
  /** Absent when there are errors. */
  readonly table?: ParsedDataTable;
  readonly problems: readonly DataProblem[];
  /** Sheet names of a workbook (the one read is the chosen or the first). */
  readonly sheets?: readonly string[];
}

const MAX_PROBLEMS = 200;
const TIME_HEADER = /^(year|years|time|date|period)$/i;
const YEAR_HEADER = /^(1[89]|2\d)\d\d$/;

/** Column letters as a spreadsheet shows them: 0 → A, 26 → AA. */
export function columnLetter(col: number): string {
  let name = '';
  for (let c = col + 1; c > 0; c = Math.floor((c - 1) / 26)) name = String.fromCharCode(65 + ((c - 1) % 26)) + name;
  return name;
}

const address = (col: number, row: number): string => `${columnLetter(col)}${row + 1}`;

/** Reads a CSV, tab-separated or .xlsx file into a checked table. */
export function readDataFile(fileName: string, content: Buffer, sheet?: string): DataReadResult {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.xlsx')) {
    let grid: string[][] | undefined;
    let sheets: string[];
    try {
      const book = readXlsx(content);
      sheets = book.sheetNames();
      const chosen = sheet ?? sheets[0];
      grid = chosen === undefined ? undefined : book.grid(chosen);
      if (!grid) return { problems: [{ severity: 'error', message: `"${fileName}" has no sheet called "${sheet}" (its sheets: ${sheets.join(', ')}).` }], sheets };
    } catch (err) {
      const why = err instanceof XlsxError ? err.message : 'it could not be read';
      return { problems: [{ severity: 'error', message: `"${fileName}" cannot be read as an Excel workbook: ${why}.` }] };
    }
    return { ...readGrid(grid), sheets };
  }
  if (lower.endsWith('.csv') || lower.endsWith('.tsv') || lower.endsWith('.txt') || lower.endsWith('.tab')) {
    const text = content.toString('utf8');
    const delimiter = lower.endsWith('.csv') ? (sniffSemicolons(text) ? ';' : ',') : '\t';
    return readGrid(parseDelimited(text, delimiter));
  }
  return { problems: [{ severity: 'error', message: `"${fileName}" is not a data file: import a .csv, .tsv or .xlsx file.` }] };
}

/** Some European exports separate CSV fields with semicolons (commas being decimal marks). */
function sniffSemicolons(text: string): boolean {
  const head = text.split(/\r?\n/, 1)[0] ?? '';
  return head.split(';').length > head.split(',').length;
}

/** Checks a grid of cell texts (first row: headers) and turns it into a table. */
export function readGrid(grid: readonly (readonly string[])[]): DataReadResult {
  const problems: DataProblem[] = [];
  const report = (p: DataProblem): void => { if (problems.length < MAX_PROBLEMS) problems.push(p); };
  const lines = grid.map((r, i) => ({ cells: r, row: i })).filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (lines.length === 0) return { problems: [{ severity: 'error', message: 'The file is empty: a data table needs a header row and at least one row of values.' }] };
  const header = lines[0]!;
  const body = lines.slice(1);
  if (body.length === 0) return { problems: [{ severity: 'error', message: 'The file has a header row but no rows of values.' }] };
  const width = Math.max(...lines.map((l) => l.cells.length));
  while (width > 0 && header.cells.length < width) (header.cells as string[]).push('');

  // Headers: every column named, each name once.
  const names = Array.from({ length: width }, (_, c) => (header.cells[c] ?? '').trim());
  const seen = new Map<string, number>();
  names.forEach((n, c) => {
    if (n === '') {
      if (body.some((l) => (l.cells[c] ?? '').trim() !== '')) report({ severity: 'error', cell: address(c, header.row), message: `Column ${columnLetter(c)} has values but no name in the header row.` });
      return;
    }
    const key = n.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) report({ severity: 'error', cell: address(c, header.row), message: `The column name "${n}" is used twice (also in ${address(first, header.row)}).` });
    else seen.set(key, c);
  });
  const used = names.map((n, c) => ({ n, c })).filter((x) => x.n !== '');

  // Column kinds: numeric when most of its filled cells are numbers; its other cells are then errors.
  const numeric = new Set<number>();
  for (const { c } of used) {
    const filled = body.map((l) => (l.cells[c] ?? '').trim()).filter((t) => t !== '');
    const numbers = filled.filter((t) => parseNumber(t) !== undefined).length;
    // A column headed by a year holds that year's values, even when all of them are missing.
    if ((filled.length > 0 && numbers * 2 >= filled.length) || (filled.length === 0 && YEAR_HEADER.test(names[c]!))) numeric.add(c);
  }

  const yearColumns = used.filter((x) => YEAR_HEADER.test(x.n));
  const wide = yearColumns.length >= 2 && yearColumns.every((x) => numeric.has(x.c));
  for (const l of body) {
    for (const { c } of used) {
      const text = (l.cells[c] ?? '').trim();
      if (numeric.has(c) && text !== '' && parseNumber(text) === undefined) {
        report({ severity: 'error', cell: address(c, l.row), message: `"${text.slice(0, 40)}" is not a number, in the numeric column "${names[c]}".` });
      }
      if (numeric.has(c) && text === '' && (wide ? yearColumns.some((y) => y.c === c) : !TIME_HEADER.test(names[c]!))) {
        report({ severity: 'warning', cell: address(c, l.row), message: `Empty value in "${names[c]}": that point is left out (values around it are interpolated).` });
      }
    }
  }

  const keyColumns = used.filter((x) => !numeric.has(x.c) && !(wide && YEAR_HEADER.test(x.n)));
  let columns: string[];
  let rows: Cell[][];
  /** For each output row, the source row (and for wide files the year's column), for messages. */
  let origin: { row: number; col?: number }[];
  let yearAt: number | undefined;
  if (wide) {
    columns = [...keyColumns.map((k) => k.n), 'year', 'value'];
    rows = [];
    origin = [];
    for (const l of body) {
      for (const y of yearColumns) {
        const text = (l.cells[y.c] ?? '').trim();
        rows.push([...keyColumns.map((k) => textCell(l.cells[k.c])), Number(y.n), text === '' ? null : parseNumber(text) ?? null]);
        origin.push({ row: l.row, col: y.c });
      }
    }
    yearAt = keyColumns.length;
  } else {
    columns = used.map((x) => x.n);
    rows = body.map((l) => used.map(({ c }) => (numeric.has(c) ? (parseNumber((l.cells[c] ?? '').trim()) ?? null) : textCell(l.cells[c]))));
    origin = body.map((l) => ({ row: l.row }));
    const t = used.findIndex((x) => TIME_HEADER.test(x.n) && numeric.has(x.c));
    yearAt = t < 0 ? undefined : t;
    if (yearAt !== undefined) {
      const tc = used[yearAt]!.c;
      body.forEach((l) => {
        const text = (l.cells[tc] ?? '').trim();
        if (text === '') report({ severity: 'error', cell: address(tc, l.row), message: `The "${names[tc]}" of this row is missing.` });
      });
    }
  }

  // Repeated rows: the same key values (and year) twice.
  const keyIndexes = [...keyColumns.map((k) => columns.indexOf(k.n)), ...(yearAt === undefined ? [] : [yearAt])];
  if (keyIndexes.length > 0) {
    const firstRow = new Map<string, number>();
    rows.forEach((r, i) => {
      const key = JSON.stringify(keyIndexes.map((k) => (typeof r[k] === 'string' ? (r[k] as string).toLowerCase() : r[k])));
      const before = firstRow.get(key);
      if (before === undefined) firstRow.set(key, i);
      else if (!wide || origin[before]!.row !== origin[i]!.row) {
        report({ severity: 'error', cell: address(0, origin[i]!.row), message: `Row ${origin[i]!.row + 1} repeats row ${origin[before]!.row + 1} (${keyIndexes.map((k) => `${columns[k]} ${String(r[k])}`).join(', ')}).` });
      }
    });
  }

  // Missing years: each series (same key values) should have every year the table has.
  if (yearAt !== undefined) {
    const years = [...new Set(rows.map((r) => r[yearAt!]).filter((y): y is number => typeof y === 'number'))].sort((a, b) => a - b);
    const step = smallestStep(years);
    const series = new Map<string, { years: Set<number>; row: number }>();
    rows.forEach((r, i) => {
      const key = JSON.stringify(keyColumns.map((k) => r[columns.indexOf(k.n)]));
      const s = series.get(key) ?? { years: new Set<number>(), row: origin[i]!.row };
      if (typeof r[yearAt!] === 'number' && (!wide || r[r.length - 1] !== null)) s.years.add(r[yearAt!] as number);
      series.set(key, s);
    });
    const all = step ? range(years[0]!, years[years.length - 1]!, step) : years;
    for (const [key, s] of series) {
      const missing = all.filter((y) => !s.years.has(y));
      if (missing.length === 0 || missing.length === all.length) continue;
      const label = (JSON.parse(key) as Cell[]).map((v, i) => `${keyColumns[i]!.n} ${String(v)}`).join(', ');
      report({ severity: 'warning', cell: address(0, s.row), message: `${label ? `${label}: ` : ''}no value for ${missing.length === 1 ? 'year' : 'years'} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''} (interpolated from the years around).` });
    }
  }

  const errors = problems.some((p) => p.severity === 'error');
  if (problems.length === MAX_PROBLEMS) problems.push({ severity: errors ? 'error' : 'warning', message: `Only the first ${MAX_PROBLEMS} problems are listed.` });
  return errors ? { problems } : { table: { columns, rows, layout: wide ? 'wide-by-year' : 'long' }, problems };
}

/** Numbers as spreadsheets export them: 1234.5, 1,234.5 (thousands), 5% (a rate). */
function parseNumber(text: string): number | undefined {
  const plain = cellNumber(text);
  if (plain !== undefined) return plain;
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) return Number(text.replace(/,/g, ''));
  const pct = /^([-+]?(?:\d+\.?\d*|\.\d+))\s*%$/.exec(text);
  return pct ? Number(pct[1]) / 100 : undefined;
}

function textCell(text: string | undefined): string | null {
  const t = (text ?? '').trim();
  return t === '' ? null : t;
}

function smallestStep(years: readonly number[]): number | undefined {
  let step: number | undefined;
  for (let i = 1; i < years.length; i++) {
    const d = years[i]! - years[i - 1]!;
    if (d > 0 && (step === undefined || d < step)) step = d;
  }
  return step;
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let y = from; y <= to + step / 2; y += step) out.push(Math.round(y * 1e9) / 1e9);
  return out;
}
