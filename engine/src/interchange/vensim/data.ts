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

/** The smallest double greater than x. */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY) return x;
  if (x === 0) return Number.MIN_VALUE;
  const bits = new Float64Array([x]);
  const ints = new BigInt64Array(bits.buffer);
  ints[0] = ints[0]! + (x > 0 ? 1n : -1n);
  return bits[0]!;
}
