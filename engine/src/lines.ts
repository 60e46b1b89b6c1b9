import type { SourcePos } from './diagnostics.js';

/** Offsets where each line of a text starts (the first is 0). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/** The 0-based index of the line holding `offset`, given the text's line starts. */
export function lineIndexAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Line starts of a text, to turn offsets into line and column only when a position is needed. */
export class LineTable {
  private readonly starts: number[];

  /** `from`: where the text itself starts, when it is a piece of a larger file (`offset` there: 0 unless given). */
  constructor(
    source: string,
    private readonly from: { readonly line: number; readonly column: number; readonly offset?: number } = { line: 1, column: 1 },
  ) {
    this.starts = lineStarts(source);
  }

  pos(offset: number): SourcePos {
    const lo = lineIndexAt(this.starts, offset);
    const column = lo === 0 ? this.from.column + offset : 1 + offset - this.starts[lo]!;
    return { line: this.from.line + lo, column, offset: offset + (this.from.offset ?? 0) };
  }
}
