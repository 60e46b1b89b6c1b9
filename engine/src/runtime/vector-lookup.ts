/**
 * Vensim VECTOR LOOKUP: the vector's elements are the y values of a lookup at evenly spaced x from
 * xmin to xmax. Modes: 0 interpolate (flat beyond the ends), 1 area from xmin, 2 backward (the
 * last point at or before x), 3 extrapolate, 4 forward (the first point at or after x), 5 invert
 * (the x giving this y), 6 slope; 7, 8, 9 are area, invert and slope with the ends extrapolated.
 */
export function vectorLookup(_cache: unknown, _index: number, [ys]: readonly (readonly number[])[], [x, xmin, xmax, mode]: readonly number[]): number {
  const y = ys!;
  const n = y.length;
  if (n === 0 || x !== x) return Number.NaN;
  if (n === 1) return [1, 7].includes(Math.round(mode!)) ? y[0]! * (x! - xmin!) : [6, 9].includes(Math.round(mode!)) ? 0 : y[0]!;
  const h = (xmax! - xmin!) / (n - 1);
  if (!(h > 0)) return Number.NaN;
  const at = (i: number): number => xmin! + i * h;
  // Segment holding u (clamped to the table), and the line through it.
  const seg = (u: number): number => Math.min(n - 2, Math.max(0, Math.floor((u - xmin!) / h)));
  const line = (i: number, u: number): number => y[i]! + ((y[i + 1]! - y[i]!) * (u - at(i))) / h;
  const value = (u: number, extrapolate: boolean): number => (!extrapolate && u <= xmin! ? y[0]! : !extrapolate && u >= xmax! ? y[n - 1]! : line(seg(u), u));
  switch (Math.round(mode!)) {
    case 0:
      return value(x!, false);
    case 3:
      return value(x!, true);
    case 2:
      return x! <= xmin! ? y[0]! : x! >= xmax! ? y[n - 1]! : y[Math.floor((x! - xmin!) / h + 1e-9)]!;
    case 4:
      return x! <= xmin! ? y[0]! : x! >= xmax! ? y[n - 1]! : y[Math.ceil((x! - xmin!) / h - 1e-9)]!;
    case 6:
      return x! < xmin! || x! > xmax! ? 0 : (y[seg(x!) + 1]! - y[seg(x!)]!) / h;
    case 9:
      return (y[seg(x!) + 1]! - y[seg(x!)]!) / h;
    case 1:
    case 7:
      return area(x!, (u) => value(u, Math.round(mode!) === 7), xmin!, xmax!, n, at);
    case 5:
    case 8:
      return invert(x!, y, at, Math.round(mode!) === 8);
    default:
      return Number.NaN;
  }
}

/** The integral of the lookup from xmin to x (negative below xmin): exact, as the curve is piecewise linear. */
function area(x: number, f: (u: number) => number, xmin: number, xmax: number, n: number, at: (i: number) => number): number {
  if (x < xmin) return -trapezoid(x, xmin, f);
  let total = 0;
  for (let i = 0; i < n - 1 && at(i) < x; i++) total += trapezoid(at(i), Math.min(at(i + 1), x), f);
  if (x > xmax) total += trapezoid(xmax, x, f);
  return total;
}

/** ∫ f from a to b for f linear on [a, b]. */
function trapezoid(a: number, b: number, f: (u: number) => number): number {
  return ((f(a) + f(b)) / 2) * (b - a);
}

/** The x where the lookup reaches y (the first segment that spans it); the nearest end when none does, unless extrapolating. */
function invert(target: number, y: readonly number[], at: (i: number) => number, extrapolate: boolean): number {
  const n = y.length;
  for (let i = 0; i < n - 1; i++) {
    const [a, b] = [y[i]!, y[i + 1]!];
    if ((target - a) * (target - b) <= 0) return a === b ? at(i) : at(i) + ((target - a) / (b - a)) * (at(i + 1) - at(i));
  }
  const rising = y[n - 1]! >= y[0]!;
  const below = rising ? target < y[0]! : target > y[0]!;
  if (!extrapolate) return below ? at(0) : at(n - 1);
  const i = below ? 0 : n - 2;
  const [a, b] = [y[i]!, y[i + 1]!];
  return a === b ? at(i) : at(i) + ((target - a) / (b - a)) * (at(i + 1) - at(i));
}
