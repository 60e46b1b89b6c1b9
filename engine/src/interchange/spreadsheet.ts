/** What importers need from a spreadsheet next to the model (read by the services layer). */
export interface CellRange {
  readonly from: { readonly col: number; readonly row: number };
  readonly to: { readonly col: number; readonly row: number };
}

export interface SheetData {
  /** The number in a cell (0-based column and row), undefined when empty or not a number. */
  value(col: number, row: number): number | undefined;
  /** The text of a cell, where the reader keeps text (element names for GET DIRECT SUBSCRIPT). */
  text?(col: number, row: number): string | undefined;
  /** A cell reference ("B2") or a defined name, as a range. */
  range(name: string): CellRange | undefined;
}

/** Sheets by file name (as written in the model) and sheet name; a string says why it cannot be read. */
export type SpreadsheetSource = (file: string, sheet: string) => SheetData | string;
