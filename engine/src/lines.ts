import type { SourcePos } from './diagnostics.js';

/** Line starts of a text, to turn offsets into line and column only when a position is needed. */
export class LineTable {
  private readonly starts: number[] = [0];

  /** `from`: where the text itself starts, when it is a piece of a larger file (`offset` there: 0 unless given). */
  constructor(
    source: string,
    private readonly from: { readonly line: number; readonly column: number; readonly offset?: number } = { line: 1, column: 1 },
  ) {
    for (let at = source.indexOf('\n'); at >= 0; at = source.indexOf('\n', at + 1)) this.starts.push(at + 1);
  }

  pos(offset: number): SourcePos {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const column = lo === 0 ? this.from.column + offset : 1 + offset - this.starts[lo]!;
    return { line: this.from.line + lo, column, offset: offset + (this.from.offset ?? 0) };
  }
}
