import { inflateRawSync } from 'node:zlib';
import { parseXml, type XmlElement } from '../engine/src/index.js';
import type { CellRange, SheetData } from '../engine/src/index.js';

/**
 * A small reader for .xlsx workbooks (a zip of XML parts): cell values by sheet and the
 * workbook's defined names. Enough for models that read constants and data from Excel.
 */
export interface Workbook {
  sheet(name: string): SheetData | undefined;
}

/** A workbook read whole, as data tables are imported (not only the cells a model asks for). */
export interface GridWorkbook extends Workbook {
  /** Sheet names in workbook order. */
  sheetNames(): string[];
  /** Every cell of a sheet as text (numbers as written), row by row; undefined for no such sheet. */
  grid(name: string): string[][] | undefined;
}

export class XlsxError extends Error {
  override readonly name = 'XlsxError';
}

function unzip(buf: Buffer): Map<string, Buffer> {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new XlsxError('not a zip archive (is it an .xlsx file?)');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new XlsxError('damaged zip directory');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + size);
    if (method === 0) files.set(name, raw);
    else if (method === 8) files.set(name, inflateRawSync(raw));
    at += 46 + nameLength + extra;
  }
  return files;
}

const child = (e: XmlElement, local: string): XmlElement | undefined => e.children.find((c) => c.local === local);
const all = (e: XmlElement | undefined, local: string): XmlElement[] => (e ? e.children.filter((c) => c.local === local) : []);
const text = (e: XmlElement): string => e.text + e.children.map(text).join('');

/** "B12" → column 1, row 11 (0-based). */
export function parseCell(ref: string): { col: number; row: number } | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(ref.trim());
  if (!m) return undefined;
  let col = 0;
  for (const ch of m[1]!.toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { col: col - 1, row: Number(m[2]) - 1 };
}

export function readXlsx(buf: Buffer): GridWorkbook {
  const files = unzip(buf);
  const xml = (path: string): XmlElement | undefined => {
    const f = files.get(path);
    return f ? parseXml(f.toString('utf8')) : undefined;
  };
  const workbook = xml('xl/workbook.xml');
  if (!workbook) throw new XlsxError('no workbook inside (is it an .xlsx file?)');
  const rels = new Map(all(xml('xl/_rels/workbook.xml.rels'), 'Relationship').map((r) => [r.attributes.get('Id') ?? '', r.attributes.get('Target') ?? '']));
  const shared = all(xml('xl/sharedStrings.xml'), 'si').map(text);
  const sheetOrder = all(child(workbook, 'sheets'), 'sheet').map((s) => s.attributes.get('name') ?? '');
  const sheetPaths = new Map(
    all(child(workbook, 'sheets'), 'sheet').map((s) => {
      const target = rels.get(s.attributes.get('r:id') ?? '') ?? '';
      return [(s.attributes.get('name') ?? '').toLowerCase(), target.startsWith('/') ? target.slice(1) : `xl/${target}`] as const;
    }),
  );
  // Defined names: "Sheet1!$A$2:$A$10" (workbook-wide, or local to one sheet).
  const names = new Map<string, { sheet: string; range: CellRange }>();
  for (const d of all(child(workbook, 'definedNames'), 'definedName')) {
    const m = /^'?([^'!]+)'?!(\$?[A-Z]+\$?\d+)(?::(\$?[A-Z]+\$?\d+))?$/.exec(d.text.trim());
    const from = m ? parseCell(m[2]!) : undefined;
    const to = m ? parseCell(m[3] ?? m[2]!) : undefined;
    if (m && from && to) names.set((d.attributes.get('name') ?? '').toLowerCase(), { sheet: m[1]!.toLowerCase(), range: { from, to } });
  }
  const cache = new Map<string, Map<string, number>>();
  const textCache = new Map<string, Map<string, string>>();
  const cells = (sheet: string): Map<string, number> | undefined => {
    if (cache.has(sheet)) return cache.get(sheet);
    const path = sheetPaths.get(sheet);
    const doc = path ? xml(path) : undefined;
    if (!doc) return undefined;
    const values = new Map<string, number>();
    const texts = new Map<string, string>();
    textCache.set(sheet, texts);
    for (const row of all(child(doc, 'sheetData'), 'row')) {
      for (const c of all(row, 'c')) {
        const v = child(c, 'v');
        const t = c.attributes.get('t');
        const raw = t === 's' ? shared[Number(v?.text)] : t === 'inlineStr' ? text(child(c, 'is') ?? c) : v?.text;
        const x = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
        if (Number.isFinite(x)) values.set(c.attributes.get('r') ?? '', x);
        else if (raw !== undefined && raw.trim() !== '' && (t === 's' || t === 'inlineStr' || t === 'str')) texts.set(c.attributes.get('r') ?? '', raw.trim());
      }
    }
    cache.set(sheet, values);
    return values;
  };
  const ref = (col: number, row: number): string => {
    let name = '';
    for (let c = col + 1; c > 0; c = Math.floor((c - 1) / 26)) name = String.fromCharCode(65 + ((c - 1) % 26)) + name;
    return `${name}${row + 1}`;
  };
  return {
    sheetNames: () => [...sheetOrder],
    grid(name) {
      const key = name.toLowerCase();
      const values = cells(key);
      if (!values) return undefined;
      const out: string[][] = [];
      const put = (r: string, v: string): void => {
        const at = parseCell(r);
        if (!at) return;
        while (out.length <= at.row) out.push([]);
        const row = out[at.row]!;
        while (row.length <= at.col) row.push('');
        row[at.col] = v;
      };
      for (const [r, v] of values) put(r, String(v));
      for (const [r, v] of textCache.get(key) ?? []) put(r, v);
      const width = Math.max(0, ...out.map((r) => r.length));
      return out.map((r) => [...r, ...Array<string>(width - r.length).fill('')]);
    },
    sheet(name) {
      const key = name.toLowerCase();
      const values = cells(key);
      if (!values) return undefined;
      return {
        value: (col, row) => values.get(ref(col, row)),
        text: (col, row) => textCache.get(key)?.get(ref(col, row)),
        range: (rangeName) => {
          const cell = parseCell(rangeName);
          if (cell) return { from: cell, to: cell };
          const named = names.get(rangeName.toLowerCase());
          return named && named.sheet === key ? named.range : named?.range;
        },
      };
    },
  };
}
