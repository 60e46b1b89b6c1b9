import type { SourceSpan } from '../../diagnostics.js';
import type { GraphSpec } from '../../language/ast.js';

/** Vensim's :NA: (a missing value), as our importer writes it. */
export const VENSIM_NA = -1e38;

/** How a Vensim data variable fills the times between its points. */
export type DataMode = ':INTERPOLATE:' | ':HOLD BACKWARD:' | ':LOOK FORWARD:' | ':RAW:';

export const DATA_MODES: readonly DataMode[] = [':INTERPOLATE:', ':HOLD BACKWARD:', ':LOOK FORWARD:', ':RAW:'];

/** The keyword as written (any case and spacing) as a data mode, or undefined. */
export function dataMode(text: string | undefined): DataMode | undefined {
  const m = (text ?? ':INTERPOLATE:').toUpperCase().replace(/\s+/g, ' ');
  return DATA_MODES.find((d) => d === m);
}

/**
 * A data series as a graph over TIME: interpolated (:INTERPOLATE:), held from each point
 * (:HOLD BACKWARD:), taking the next point's value just after each point (:LOOK FORWARD:), or
 * only at the points themselves, :NA: elsewhere (:RAW:; "at" allows for rounding in TIME).
 */
export function dataTable(xs: readonly number[], ys: readonly number[], mode: DataMode, span: SourceSpan): GraphSpec {
  switch (mode) {
    case ':INTERPOLATE:':
      return { xs, ys, interpolation: 'continuous', span };
    case ':HOLD BACKWARD:':
      return { xs, ys, interpolation: 'discrete', span };
    case ':LOOK FORWARD:':
      return { xs: xs.map((x, i) => (i === 0 ? x : nextUp(xs[i - 1]!))), ys, interpolation: 'discrete', span };
    case ':RAW:': {
      const px: number[] = [];
      const py: number[] = [];
      xs.forEach((x, i) => {
        const tolerance = 1e-9 * Math.max(1, Math.abs(x));
        px.push(x - tolerance, x + tolerance);
        py.push(ys[i]!, VENSIM_NA);
      });
      return { xs: [px[0]! - 1, ...px], ys: [VENSIM_NA, ...py], interpolation: 'discrete', span };
    }
  }
}

/**
 * Points put in order of x, as our graphs need (Vensim accepts tables and data whose x values go
 * down): sorted (stably), and an x repeated for a vertical step moved up by the smallest amount,
 * so the table jumps there. `changed` says what was done, for a warning.
 */
export function increasing(xs: readonly number[], ys: readonly number[]): { xs: number[]; ys: number[]; changed?: 'sorted' | 'stepped' } {
  let changed: 'sorted' | 'stepped' | undefined;
  let order = xs.map((_, i) => i);
  if (xs.some((x, i) => i > 0 && x < xs[i - 1]!)) {
    order = order.sort((a, b) => xs[a]! - xs[b]! || a - b);
    changed = 'sorted';
  }
  const px = order.map((i) => xs[i]!);
  const py = order.map((i) => ys[i]!);
  for (let i = 1; i < px.length; i++) {
    if (px[i]! <= px[i - 1]!) {
      px[i] = nextUp(px[i - 1]!);
      changed ??= 'stepped';
    }
  }
  return { xs: px, ys: py, ...(changed ? { changed } : {}) };
}

/** The smallest double greater than x. */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY) return x;
  if (x === 0) return Number.MIN_VALUE;
  const bits = new Float64Array([x]);
  const ints = new BigInt64Array(bits.buffer);
  ints[0] = ints[0]! + (x > 0 ? 1n : -1n);
  return bits[0]!;
}
