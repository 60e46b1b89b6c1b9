import { elementKey, nameKey } from '../../names.js';
import { cellNumber, parseDelimited } from '../delimited.js';

/** A data file next to a Vensim model (`.tab`, `.csv`, `.dat`), as text. */
export interface DataFile {
  readonly name: string;
  readonly text: string;
}

export interface DataSeries {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
}

/** Data series by element name ("var[A,B]", compared as name keys), from one data file. */
export type DataSeriesMap = ReadonlyMap<string, DataSeries>;

/** The lookup key of `name` or `name[a, b]`, as written in a data file or built from a model. */
export function seriesKey(name: string, elements: readonly string[] = []): string {
  return elements.length === 0 ? nameKey(name) : `${nameKey(name)}[${elements.map((e) => elementKey(e)).join(',')}]`;
}

function keyOfWritten(text: string): string {
  const m = /^(.*?)\s*\[(.*)\]\s*$/.exec(text.replace(/^"|"$/g, ''));
  return m ? seriesKey(m[1]!.replace(/^"|"$/g, ''), m[2]!.split(',').map((e) => e.trim().replace(/^"|"$/g, ''))) : seriesKey(text.replace(/^"|"$/g, ''));
}

/**
 * Reads Vensim's exchange formats: tab- or comma-separated tables with times down the first
 * column ("Time", names…) or across the first row ("Time", times… then a name and its values per
 * row), and `.dat` files (a name on its own line, then "time value" lines). Empty cells are
 * missing values. A string says why the file cannot be read.
 */
export function readDataFile(file: DataFile): DataSeriesMap | string {
  const out = new Map<string, DataSeries>();
  if (/\.dat$/i.test(file.name)) {
    let current: { xs: number[]; ys: number[] } | undefined;
    for (const line of file.text.split(/\r?\n/)) {
      const t = line.trim();
      if (t === '') continue;
      const pair = t.split(/[\s,]+/);
      const x = cellNumber(pair[0]);
      const y = cellNumber(pair[1]);
      if (pair.length === 2 && x !== undefined && y !== undefined && current) {
        current.xs.push(x);
        current.ys.push(y);
      } else {
        current = { xs: [], ys: [] };
        out.set(keyOfWritten(t), current);
      }
    }
    return out;
  }
  const rows = parseDelimited(file.text, file.text.split(/\r?\n/, 1)[0]!.includes('\t') ? '\t' : ',');
  const head = rows[0];
  if (!head || head.length < 2) return 'it has no table of data (a "Time" row or column and one name per series)';
  const across = head.slice(1).filter((c) => c !== '').every((c) => cellNumber(c) !== undefined);
  if (across) {
    const times = head.map(cellNumber);
    for (const row of rows.slice(1)) {
      if (!row[0]) continue;
      const xs: number[] = [];
      const ys: number[] = [];
      row.forEach((c, i) => {
        const v = cellNumber(c);
        const x = times[i];
        if (i > 0 && v !== undefined && x !== undefined) {
          xs.push(x);
          ys.push(v);
        }
      });
      out.set(keyOfWritten(row[0]), { xs, ys });
    }
    return out;
  }
  head.forEach((name, col) => {
    if (col === 0 || name === '') return;
    const xs: number[] = [];
    const ys: number[] = [];
    for (const row of rows.slice(1)) {
      const x = cellNumber(row[0]);
      const v = cellNumber(row[col]);
      if (x !== undefined && v !== undefined) {
        xs.push(x);
        ys.push(v);
      }
    }
    out.set(keyOfWritten(name), { xs, ys });
  });
  return out;
}
