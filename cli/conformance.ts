import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { getSeries, ModelInputError, simulate } from '../engine/src/index.js';
import { loadModelFile } from '../services/model-files.js';

/**
 * The SDXorg conformance suite: every model with a canonical output goes through the real
 * import → compile → simulate path and is compared column by column, time by time.
 */

export type Format = 'xmile' | 'mdl';
export type Status = 'pass' | 'fail' | 'unsupported';

export interface ConformanceRow {
  /** Path relative to the suite root, e.g. `tests/abs/test_abs.xmile`. */
  readonly model: string;
  readonly format: Format;
  readonly status: Status;
  /** Why it failed: the first differing variable and time, or the first error. */
  readonly detail: string;
}

const FORMATS: ReadonlyMap<string, Format> = new Map([
  ['.xmile', 'xmile'],
  ['.stmx', 'xmile'],
  ['.itmx', 'xmile'],
  ['.mdl', 'mdl'],
]);

/** Relative and absolute tolerance of the suite: |ours − canonical| ≤ 1e-6 + 1e-3·|canonical|. */
export function withinTolerance(ours: number, canonical: number): boolean {
  return Math.abs(ours - canonical) <= 1e-6 + 1e-3 * Math.abs(canonical);
}

export interface CanonicalOutput {
  readonly columns: readonly string[];
  /** rows[r][c]; NaN where the cell is empty (constants are often given only in the first row). */
  readonly rows: readonly (readonly number[])[];
}

/** Reads output.csv (commas) or output.tab (tabs), with any line ending. */
export function parseCanonical(text: string, separator: ',' | '\t'): CanonicalOutput {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  const split = (line: string): string[] => {
    if (separator === '\t') return line.split('\t');
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
        else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') out.push(cur), (cur = '');
      else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const columns = split(lines[0] ?? '').map((c) => c.trim());
  const rows = lines.slice(1).map((l) => split(l).map((c) => (c.trim() === '' ? Number.NaN : Number(c.trim()))));
  return { columns, rows };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Every model file in the suite that sits next to a canonical output. */
export async function findSuiteModels(root: string): Promise<{ file: string; output: string; format: Format }[]> {
  const found: { file: string; output: string; format: Format }[] = [];
  for (const group of ['tests', 'samples']) {
    const dir = join(root, group);
    if (!(await exists(dir))) continue;
    for (const name of (await readdir(dir)).sort()) {
      const folder = join(dir, name);
      if (!(await stat(folder)).isDirectory()) continue;
      const output = (await exists(join(folder, 'output.csv'))) ? join(folder, 'output.csv') : (await exists(join(folder, 'output.tab'))) ? join(folder, 'output.tab') : undefined;
      if (!output) continue;
      for (const file of (await readdir(folder)).sort()) {
        const format = FORMATS.get(extname(file).toLowerCase());
        if (format) found.push({ file: join(folder, file), output, format });
      }
    }
  }
  return found;
}

export async function checkModel(root: string, file: string, output: string, format: Format): Promise<ConformanceRow> {
  const model = relative(root, file);
  const row = (status: Status, detail: string): ConformanceRow => ({ model, format, status, detail });
  const compiled = await loadModelFile(file).catch((e: unknown) => e as Error);
  if (compiled instanceof Error) return row('unsupported', compiled.message);
  const firstError = compiled.diagnostics.find((d) => d.severity === 'error');
  if (!compiled.model || firstError) return row('unsupported', firstError ? `${firstError.line}:${firstError.column} ${firstError.message}` : 'did not compile');
  const canonical = parseCanonical(await readFile(output, 'utf8'), output.endsWith('.tab') ? '\t' : ',');
  let result;
  try {
    result = simulate(compiled.model, { saveEvery: compiled.model.ir.sim.dt });
  } catch (e) {
    if (e instanceof ModelInputError) return row('unsupported', e.message);
    throw e;
  }
  const timeColumn = canonical.columns.findIndex((c) => c.toLowerCase() === 'time');
  if (timeColumn < 0) return row('unsupported', 'the canonical output has no Time column');
  const dt = result.dt;
  const start = result.times[0] ?? 0;
  /** Our row for a canonical time, allowing for times printed with few digits (10.0312 for 10.03125). */
  const rowAt = (time: number): number | undefined => {
    const i = Math.round((time - start) / dt);
    const t = result.times[i];
    return t !== undefined && Math.abs(t - time) <= 1e-5 * Math.max(1, Math.abs(time)) ? i : undefined;
  };
  let compared = 0;
  for (let c = 0; c < canonical.columns.length; c++) {
    if (c === timeColumn) continue;
    const ours = getSeries(result, canonical.columns[c]!);
    if (!ours) continue; // not a variable of this model (e.g. a Vensim control variable)
    for (const r of canonical.rows) {
      const expected = r[c];
      const time = r[timeColumn]!;
      if (expected === undefined || Number.isNaN(expected)) continue; // an empty or missing cell
      const i = rowAt(time);
      if (i === undefined) return row('fail', result.error ? `${result.error.message}` : `no result at time ${time}`);
      if (!withinTolerance(ours[i]!, expected)) return row('fail', `${canonical.columns[c]} at time ${time}: ${ours[i]} instead of ${expected}`);
      compared++;
    }
  }
  if (compared === 0) return row('fail', 'no canonical column matches a variable of the model');
  return row('pass', `${compared} values`);
}

export interface ConformanceReport {
  readonly rows: readonly ConformanceRow[];
  readonly summary: string;
  /** Rows that disagree with the expectations file (a listed model passing, an unlisted one failing). */
  readonly surprises: readonly string[];
}

export async function runConformance(root: string, expectedFailures: Readonly<Record<string, string>>): Promise<ConformanceReport> {
  const rows: ConformanceRow[] = [];
  for (const m of await findSuiteModels(root)) rows.push(await checkModel(root, m.file, m.output, m.format));
  const count = (format: Format): string => {
    const of = rows.filter((r) => r.format === format);
    return `${format} ${of.filter((r) => r.status === 'pass').length}/${of.length} passed`;
  };
  const surprises: string[] = [];
  for (const r of rows) {
    const listed = Object.hasOwn(expectedFailures, r.model);
    if (r.status === 'pass' && listed) surprises.push(`${r.model} now passes: remove it from the expectations file`);
    if (r.status !== 'pass' && !listed) surprises.push(`${r.model} ${r.status}: ${r.detail}`);
  }
  const seen = new Set(rows.map((r) => r.model));
  for (const listed of Object.keys(expectedFailures)) if (!seen.has(listed)) surprises.push(`${listed} is listed but not in the suite`);
  return { rows, summary: `conformance: ${count('xmile')}, ${count('mdl')}`, surprises };
}
