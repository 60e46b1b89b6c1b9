import { cellNumber, delimiterOf, parseDelimited, type SheetData } from '../engine/src/index.js';
import { parseCell } from './xlsx.js';

/**
 * A CSV or tab-separated file as a sheet for Vensim's GET DIRECT functions, which write the
 * delimiter where a workbook's sheet name goes. Cells are addressed as in a workbook (B2).
 */
export function readDelimitedSheet(text: string, delimiterArgument: string, fileName: string): SheetData | string {
  // Without a delimiter of its own (empty, or a sheet name), Vensim's default: "," for .csv, tab otherwise.
  const delimiter = delimiterOf(delimiterArgument) ?? (/\.csv$/i.test(fileName) ? ',' : '\t');
  const rows = parseDelimited(text, delimiter);
  return {
    value: (col, row) => cellNumber(rows[row]?.[col]),
    text: (col, row) => rows[row]?.[col] || undefined,
    range: (name) => {
      const [a, b] = name.split(':');
      const from = parseCell(a!.trim());
      const to = b === undefined ? from : parseCell(b.trim());
      return from && to ? { from, to } : undefined;
    },
  };
}
