/** Plain-text tables for the benchmark report. */

export function table(title: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [`\n${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(4));
export const ratio = (r: number, spread: number): string => `${r.toFixed(2)} ±${(spread * 50).toFixed(0)}%`;
/** A target: "ok" or "MISSED". */
export const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');
