import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { compileAst, exportXmile, importVensim, importXmile, parseModel, printModel, type CompileOptions, type CompileResult, type Diagnostic, type ModelAst } from '../engine/src/index.js';
import type { DataFile, SpreadsheetSource } from '../engine/src/index.js';
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

/** Reads and compiles a model file. Throws ModelFileError when the file cannot be read at all. */
export async function loadModelFile(path: string, options: CompileOptions = {}): Promise<CompileResult> {
  const read = await readModelFile(path);
  return compileAst(read.ast, read.diagnostics, options);
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
