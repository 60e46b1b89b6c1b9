/**
 * A conveyor (Stella, XMILE 1.0 §3.7.1) as a belt of slats, one per time step: what enters during
 * a step is put on the slat `transit / DT` steps from the exit, every slat moves one step toward
 * the exit at each step, and the exit slat leaves as the outflow. All three kernels call these same
 * functions (the WebAssembly one through its imports), so they agree bit for bit.
 *
 * Protocol, per step k (each call does its work once per step and returns the same number when the
 * kernel evaluates again within the step, as RK2/RK4 do): `conveyorLevel` (the stock's value) and
 * `conveyorStep` (transit time, capacity, inflow limit, arrest) first move the belt on from step k−1,
 * then `conveyorLeak` for each leakage in priority order, `conveyorOut` (the exit slat), and for each
 * inflow in order `conveyorRoom` then `conveyorAdmit`. The order is the IR's dependency order.
 */

export interface LeakZone {
  /** Fractions of the belt's length from its entry (0 ≤ start < end ≤ 1). */
  readonly start: number;
  readonly end: number;
  /** Exponential (a fraction of what is on the slat per time unit) rather than linear (a fraction of what entered, over the stay). */
  readonly exponential: boolean;
}

export interface ConveyorShape {
  readonly kind: 'conveyor';
  /** Its leakage flows in priority order. */
  readonly leaks: readonly LeakZone[];
  readonly inflows: number;
}

export class ConveyorState {
  /** Slat i from the exit is at ring position (head + i) % size. */
  amount: Float64Array;
  /** Linear leakage: what entered each slat (a slat leaks a fraction of it per step). */
  basis: Float64Array;
  /** The number of slats of the belt when each slat's material entered (where it is along the belt). */
  slats: Float64Array;
  /** Amounts at the start of the step (exponential leakage is a fraction of these). */
  start: Float64Array;
  size = 0;
  head = 0;
  /** Slats from the exit that may hold material. */
  used = 0;
  /** The step the belt has been moved on to. */
  step = -1;
  level = 0;
  /** The latched transit time and the slats it makes (where new material goes). */
  transitTime = Number.NaN;
  transit = 1;
  arrested = false;
  capacity = Number.POSITIVE_INFINITY;
  limit = Number.POSITIVE_INFINITY;
  /** What leaves the belt this step (exit and leakages), an amount. */
  leaving = 0;
  admittedAmount = 0;
  admittedRate = 0;
  stepStamp = -1;
  outStamp = -1;
  outRate = 0;
  readonly leakStamp: Float64Array;
  readonly leakRate: Float64Array;
  readonly roomStamp: Float64Array;
  readonly roomRate: Float64Array;
  readonly admitStamp: Float64Array;
  readonly admitRate: Float64Array;

  constructor(
    readonly shape: ConveyorShape,
    /** Material staying longer than the run never leaves: slats beyond this are never needed. */
    readonly maxSlats: number,
  ) {
    this.amount = new Float64Array(0);
    this.basis = new Float64Array(0);
    this.slats = new Float64Array(0);
    this.start = new Float64Array(0);
    const stamps = (n: number): Float64Array => new Float64Array(n).fill(-1);
    this.leakStamp = stamps(shape.leaks.length);
    this.leakRate = new Float64Array(shape.leaks.length);
    this.roomStamp = stamps(shape.inflows);
    this.roomRate = new Float64Array(shape.inflows);
    this.admitStamp = stamps(shape.inflows);
    this.admitRate = new Float64Array(shape.inflows);
  }
}

/** The slats a transit time makes: the nearest whole number of steps, at least one. */
export function slatsFor(transitTime: number, dt: number, maxSlats: number): number {
  const n = Math.round(transitTime / dt);
  return n >= 1 ? Math.min(n, maxSlats) : 1;
}

function ring(c: ConveyorState, i: number): number {
  return (c.head + i) % c.size;
}

/** Makes room for `n` slats, keeping the belt's contents in order. */
function reserve(c: ConveyorState, n: number): void {
  if (n <= c.size) return;
  let size = Math.max(8, c.size);
  while (size < n) size *= 2;
  const grow = (old: Float64Array): Float64Array => {
    const a = new Float64Array(size);
    for (let i = 0; i < c.used; i++) a[i] = old[ring(c, i)]!;
    return a;
  };
  c.amount = grow(c.amount);
  c.basis = grow(c.basis);
  c.slats = grow(c.slats);
  c.start = new Float64Array(size);
  c.size = size;
  c.head = 0;
}

/** Moves the belt on to step k: one slat toward the exit (unless arrested), then what entered during the step before goes on. */
function advance(c: ConveyorState, k: number): void {
  if (c.step === k) return;
  if (!c.arrested && c.size > 0) {
    c.head = (c.head + 1) % c.size;
    c.used = c.used > 0 ? c.used - 1 : 0;
    const a = c.admittedAmount;
    if (a !== 0) {
      reserve(c, c.transit);
      const r = ring(c, c.transit - 1);
      c.amount[r] = c.amount[r]! + a;
      c.basis[r] = c.basis[r]! + a;
      c.slats[r] = c.transit;
      if (c.used < c.transit) c.used = c.transit;
    }
  }
  c.step = k;
  c.admittedAmount = 0;
  c.admittedRate = 0;
  c.leaving = 0;
  let level = 0;
  for (let i = 0; i < c.used; i++) {
    const r = ring(c, i);
    level += c.amount[r]!;
    c.start[r] = c.amount[r]!;
  }
  c.level = level;
}

/**
 * How much of one slat a leakage takes in this step: linear, `value` (a fraction) of what entered
 * the slat spread over the zone's steps; exponential, `value` (per time unit) of what the slat held
 * at the start of the step, for the part of the step spent in the zone.
 */
function leakOf(zone: LeakZone, value: number, dt: number, held: number, entered: number, slats: number, fromExit: number): number {
  const m = slats - fromExit; // this is the slat's m-th step on the belt (1 = just entered)
  let inZone: number;
  if (zone.start === 0 && zone.end === 1) inZone = 1;
  else {
    const overlap = Math.min(m / slats, zone.end) - Math.max((m - 1) / slats, zone.start);
    if (!(overlap > 0)) return 0;
    inZone = overlap * slats;
  }
  return zone.exponential ? held * value * dt * inZone : (value * entered * inZone) / (slats * (zone.end - zone.start));
}

/**
 * Start of the run: the belt is filled with `initial` so that it is in equilibrium with a steady
 * inflow (what a unit entering would still hold at each slat, scaled to add up to `initial`), then
 * step 0 is set up as `conveyorStep` does. Returns the transit time.
 */
export function conveyorInit(c: ConveyorState, k: number, dt: number, _index: number, initial: number, transitTime: number, capacity: number, limit: number, arrest: number, ...leakValues: number[]): number {
  c.transitTime = transitTime;
  c.transit = slatsFor(transitTime, dt, c.maxSlats);
  const n = c.transit;
  c.used = 0;
  c.size = 0;
  reserve(c, n);
  c.used = n;
  // A unit entering: what is left of it at each slat, from the entry (slat n − 1) to the exit.
  const shape = new Float64Array(n);
  shape[n - 1] = 1;
  for (let i = n - 2; i >= 0; i--) {
    let rest = shape[i + 1]!;
    for (let l = 0; l < c.shape.leaks.length; l++) {
      const take = Math.min(leakOf(c.shape.leaks[l]!, leakValues[l]!, dt, shape[i + 1]!, 1, n, i + 1), rest);
      if (take > 0) rest -= take;
    }
    shape[i] = rest;
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += shape[i]!;
  const scale = initial / total;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    // The entry slat takes what rounding left, so the slats add up to exactly the initial value.
    const a = i < n - 1 ? shape[i]! * scale : initial - sum;
    sum += a;
    c.amount[i] = a;
    c.basis[i] = scale;
    c.slats[i] = n;
    c.start[i] = a;
  }
  c.step = k;
  c.level = initial;
  c.stepStamp = k;
  c.arrested = arrest !== 0;
  c.capacity = capacity;
  c.limit = limit;
  return transitTime;
}

/** The conveyor's content at step k (its stock's value). */
export function conveyorLevel(c: ConveyorState, k: number): number {
  advance(c, k);
  return c.level;
}

/**
 * Step k's settings: whether the belt is arrested, its capacity and inflow limit, and (where
 * `sample` is not 0) the transit time for what enters from now on. Returns the latched transit time.
 */
export function conveyorStep(c: ConveyorState, k: number, dt: number, _index: number, transitTime: number, capacity: number, limit: number, arrest: number, sample: number): number {
  if (c.stepStamp === k) return c.transitTime;
  advance(c, k);
  c.stepStamp = k;
  c.arrested = arrest !== 0;
  if (sample !== 0) {
    c.transitTime = transitTime;
    c.transit = slatsFor(transitTime, dt, c.maxSlats);
  }
  c.capacity = capacity;
  c.limit = limit;
  return c.transitTime;
}

/** Leakage `index` (after those before it) in step k, as a flow. */
export function conveyorLeak(c: ConveyorState, k: number, dt: number, index: number, value: number): number {
  if (c.leakStamp[index] === k) return c.leakRate[index]!;
  c.leakStamp[index] = k;
  let total = 0;
  if (!c.arrested) {
    const zone = c.shape.leaks[index]!;
    for (let i = 0; i < c.used; i++) {
      const r = ring(c, i);
      const held = c.amount[r]!;
      if (!(held > 0)) continue;
      const take = Math.min(leakOf(zone, value, dt, c.start[r]!, c.basis[r]!, c.slats[r]!, i), held);
      if (take > 0) {
        c.amount[r] = held - take;
        total += take;
      } else if (take !== take) total = take; // a NaN leak value: the flow says so
    }
  }
  c.leaving += total;
  const rate = total / dt;
  c.leakRate[index] = rate;
  return rate;
}

/** What reaches the end of the belt in step k (after the leakages), as a flow. */
export function conveyorOut(c: ConveyorState, k: number, dt: number): number {
  if (c.outStamp === k) return c.outRate;
  c.outStamp = k;
  let out = 0;
  if (!c.arrested && c.used > 0) {
    const r = ring(c, 0);
    out = c.amount[r]!;
    c.amount[r] = 0;
    c.basis[r] = 0;
    c.slats[r] = 0;
  }
  c.leaving += out;
  c.outRate = out / dt;
  return c.outRate;
}

/**
 * The most inflow `index` may bring in step k, as a flow: what the capacity leaves free (counting
 * what leaves the belt during the step) and what the inflow limit allows, after the inflows before it.
 */
export function conveyorRoom(c: ConveyorState, k: number, dt: number, index: number): number {
  if (c.roomStamp[index] === k) return c.roomRate[index]!;
  c.roomStamp[index] = k;
  const room = c.arrested ? 0 : Math.max(0, Math.min((c.capacity - c.level + c.leaving - c.admittedAmount) / dt, c.limit - c.admittedRate));
  c.roomRate[index] = room;
  return room;
}

/** Inflow `index` enters at `rate` (never below 0) in step k; returns what entered, as a flow. */
export function conveyorAdmit(c: ConveyorState, k: number, dt: number, index: number, rate: number): number {
  if (c.admitStamp[index] === k) return c.admitRate[index]!;
  c.admitStamp[index] = k;
  const a = Math.max(0, rate);
  c.admittedAmount += a * dt;
  c.admittedRate += a;
  c.admitRate[index] = a;
  return a;
}
