/** A run's saved values: one time column and one column per series. */
export interface Table {
  readonly times: ArrayLike<number>;
  readonly series: readonly { readonly name: string; readonly values: ArrayLike<number> }[];
}

/** One CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `time` then one column per series; numbers at full precision so they read back exactly. */
export function runToCsv(result: Table): string {
  const lines = [['time', ...result.series.map((s) => s.name)].map(csvField).join(',')];
  for (let r = 0; r < result.times.length; r++) {
    const row = [String(result.times[r])];
    for (const s of result.series) row.push(String(s.values[r]));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}
