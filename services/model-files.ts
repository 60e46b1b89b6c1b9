import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { compileAst, exportXmile, importVensim, importXmile, parseModel, printModel, type CompileOptions, type CompileResult, type Diagnostic, type ModelAst } from '../engine/src/index.js';
import type { DataFile, DataTableData, DataTableSource, SpreadsheetSource } from '../engine/src/index.js';
import { readDataFile } from './data-tables.js';
import { readCompanion } from './model-companion.js';
import { readDelimitedSheet } from './delimited-sheet.js';
import { readXls } from './xls.js';
import { readXlsx, type Workbook } from './xlsx.js';

export interface ReadModel {
  readonly ast: ModelAst;
  /** Problems found while reading the file (before checking). */
  readonly diagnostics: readonly Diagnostic[];
}

/** Model file formats the workbench can open, by extension. Each reads into the one AST. */
type Reader = (text: string, file: string) => ReadModel;
const readXmile: Reader = (text, file) => importXmile(text, file);
const READERS: ReadonlyMap<string, Reader> = new Map([
  ['.cwm', (text: string, file: string) => parseModel(text, file)],
  ['.xmile', readXmile],
  ['.stmx', readXmile],
  ['.itmx', readXmile],
  ['.xml', readXmile],
  ['.mdl', (text: string, file: string) => importVensim(text, file, spreadsheetsNextTo(file, text), () => dataFilesNextTo(file))],
]);

export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
}

export function supportedExtensions(): string[] {
  return [...READERS.keys()];
}

/** Reads and compiles a model file (its data tables from files next to it, by default). Throws ModelFileError when the file cannot be read at all. */
export async function loadModelFile(path: string, options: CompileOptions = {}): Promise<CompileResult> {
  const read = await readModelFile(path);
  return compileAst(read.ast, read.diagnostics, { dataTables: dataTablesNextTo(path), ...options });
}

/**
 * Data tables for a model outside a project: a table named like a file next to the model
 * (`data: "population.csv"`, `data: "projections.xlsx!Leeds"` for one sheet), or given by name
 * (`cwb run --data "Population=pop.csv"`, paths relative to the working folder).
 */
export function dataTablesNextTo(modelPath: string, given: Readonly<Record<string, string>> = {}): DataTableSource {
  // Tables the model's companion file names (`<model>.project.json`) come first; --data overrides them.
  let companion: ReturnType<typeof readCompanion>;
  try {
    companion = readCompanion(modelPath);
  } catch {
    companion = undefined; // a broken companion is reported where it is loaded for its scenarios
  }
  const sheets = new Map<string, string>();
  const named: Record<string, string> = {};
  for (const t of companion?.dataTables ?? []) {
    named[t.name] = t.file;
    if (t.sheet) sheets.set(t.file, t.sheet);
  }
  Object.assign(named, given);
  const cache = new Map<string, DataTableData | string | undefined>();
  return (name) => {
    if (cache.has(name)) return cache.get(name);
    const given = Object.entries(named).find(([n]) => n.trim().toLowerCase() === name.trim().toLowerCase())?.[1];
    const m = /^(.+\.(?:csv|tsv|txt|xlsx))(?:!(.+))?$/i.exec(name.trim());
    const path = given ?? (m ? join(dirname(modelPath), m[1]!) : undefined);
    let table: DataTableData | string | undefined;
    if (path) {
      let content: Buffer | undefined;
      try {
        content = readFileSync(path);
      } catch {
        table = `the file "${path}" cannot be opened.`;
      }
      if (content) {
        const read = readDataFile(path, content, m?.[2] ?? sheets.get(path));
        const errors = read.problems.filter((p) => p.severity === 'error');
        table = read.table ?? errors.slice(0, 3).map((p) => `${p.cell ? `${p.cell}: ` : ''}${p.message}`).join(' ');
      }
    }
    cache.set(name, table);
    return table;
  };
}

/** Reads a model file of any supported format into the AST, without checking it. */
export async function readModelFile(path: string): Promise<ReadModel> {
  const reader = READERS.get(extname(path).toLowerCase());
  if (!reader) {
    throw new ModelFileError(`Cannot open "${path}": unsupported file type "${extname(path) || '(none)'}" (supported: ${supportedExtensions().join(', ')}).`);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `Cannot open "${path}": no such file.` : `Cannot read "${path}": ${(err as Error).message}`);
  }
  return reader(text, path);
}

/** Formats `cwb convert` can write, by extension. */
const WRITERS: ReadonlyMap<string, (ast: ModelAst) => string> = new Map([
  ['.cwm', printModel],
  ['.xmile', exportXmile],
  ['.stmx', exportXmile],
  ['.itmx', exportXmile],
]);

export function writableExtensions(): string[] {
  return [...WRITERS.keys()];
}

/** The model as the text of a file of the given extension (undefined if we cannot write it). */
export function writeModelText(ast: ModelAst, extension: string): string | undefined {
  return WRITERS.get(extension.toLowerCase())?.(ast);
}

/**
 * The files a Vensim model names in GET XLS/DIRECT … functions, read from the model's folder:
 * .xlsx/.xls workbooks, and CSV or tab-separated text (whose "sheet" argument is the delimiter).
 */
function spreadsheetsNextTo(modelPath: string, text: string): SpreadsheetSource {
  const books = new Map<string, Workbook | string>();
  const texts = new Map<string, string>();
  for (const m of text.matchAll(/'([^'\n]+\.(?:xlsx?|csv|tab|txt))'/gi)) {
    const name = m[1]!;
    const key = name.toLowerCase();
    if (books.has(key) || texts.has(key)) continue;
    const path = join(dirname(modelPath), name);
    try {
      const bytes = readFileSync(path);
      if (/\.(?:csv|tab|txt)$/.test(key)) texts.set(key, bytes.toString('utf8'));
      else books.set(key, key.endsWith('.xls') ? readXls(bytes) : readXlsx(bytes));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      books.set(key, code === 'ENOENT' ? `there is no file ${path}` : (err as Error).message);
    }
  }
  return (file, sheet) => {
    const csv = texts.get(file.toLowerCase());
    if (csv !== undefined) return readDelimitedSheet(csv, sheet, file);
    const book = books.get(file.toLowerCase()) ?? 'only .xlsx and .xls workbooks and .csv, .tab or .txt files can be read';
    if (typeof book === 'string') return book;
    return book.sheet(sheet) ?? `the workbook has no sheet "${sheet}"`;
  };
}

/** Data files next to a Vensim model (.tab, .csv, .dat), by name, for data variables without equations. */
function dataFilesNextTo(modelPath: string): DataFile[] {
  const folder = dirname(modelPath);
  let names: string[];
  try {
    names = readdirSync(folder).filter((n) => /\.(?:tab|csv|dat)$/i.test(n)).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      return [{ name, text: readFileSync(join(folder, name), 'utf8') }];
    } catch {
      return [];
    }
  });
}
