/**
 * Delimited text (CSV, tab-separated): rows of cells. Quoted cells ("a, b", with "" for a quote)
 * may hold the delimiter; line breaks end rows (CRLF or LF). No cell text is ever evaluated.
 */
export function parseDelimited(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === delimiter) {
      row.push(cell.trim());
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      row.push(cell.trim());
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell.trim());
    rows.push(row);
  }
  return rows;
}

/** A cell's number, or undefined when it is empty or not a number. */
export function cellNumber(text: string | undefined): number | undefined {
  if (text === undefined || text === '' || !/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text) + 0; // -0 is 0
}

/** Vensim writes the delimiter of a CSV file where a workbook's sheet name goes: ",", ";", "\t" or "tab". */
export function delimiterOf(sheetArgument: string): string | undefined {
  const d = sheetArgument.trim().toLowerCase();
  if (d === '\\t' || d === 'tab' || d === '\t') return '\t';
  return sheetArgument.length === 1 ? sheetArgument : undefined;
}
