/**
 * A queue (Stella, XMILE 1.0 §3.7.3): a first-in-first-out line of batches, one per inflow per
 * time step (inflows in the order listed). Its outflows take from the head, in the order listed,
 * what was in the queue at the start of the step: each at most what it asks for (all of it when it
 * has no equation) and what the conveyor it feeds admits. An overflow takes what the outflows
 * before it were asked for but could not pass on because the conveyor they feed was full.
 *
 * As with conveyors, each call does its work once per step k and returns the same number when the
 * kernel evaluates again within the step, so RK2/RK4 see one move per step.
 */

export interface QueueShape {
  readonly kind: 'queue';
  readonly inflows: number;
  readonly outflows: number;
}

export class QueueState {
  /** Batch amounts, the head at ring position `head`. */
  batches = new Float64Array(16);
  head = 0;
  count = 0;
  step = -1;
  /** The content at the start of the step (the stock's value). */
  level = 0;
  /** What is left to take in this step. */
  available = 0;
  /** What earlier outflows were asked for but were kept from taking by a full conveyor (for overflows). */
  blocked = 0;
  readonly addStamp: Float64Array;
  readonly added: Float64Array;
  readonly takeStamp: Float64Array;
  readonly taken: Float64Array;

  constructor(readonly shape: QueueShape) {
    this.addStamp = new Float64Array(shape.inflows).fill(-1);
    this.added = new Float64Array(shape.inflows);
    this.takeStamp = new Float64Array(shape.outflows).fill(-1);
    this.taken = new Float64Array(shape.outflows);
  }

  /** The batches from the head, for tests and inspection. */
  contents(): number[] {
    return Array.from({ length: this.count }, (_, i) => this.batches[(this.head + i) % this.batches.length]!);
  }
}

function push(q: QueueState, amount: number): void {
  if (q.count === q.batches.length) {
    const bigger = new Float64Array(q.batches.length * 2);
    for (let i = 0; i < q.count; i++) bigger[i] = q.batches[(q.head + i) % q.batches.length]!;
    q.batches = bigger;
    q.head = 0;
  }
  q.batches[(q.head + q.count) % q.batches.length] = amount;
  q.count++;
}

/** Takes `amount` from the head, splitting the last batch taken. */
function remove(q: QueueState, amount: number): void {
  if (amount !== amount) {
    q.available = amount; // NaN: the queue's next value says so
    return;
  }
  if (!(amount > 0)) return;
  if (amount >= q.available) {
    // All of it (exactly, whatever rounding the running total has gathered).
    q.head = 0;
    q.count = 0;
    q.available = 0;
    return;
  }
  q.available -= amount;
  let rest = amount;
  while (rest > 0 && q.count > 0) {
    const b = q.batches[q.head]!;
    if (b <= rest) {
      rest -= b;
      q.head = (q.head + 1) % q.batches.length;
      q.count--;
    } else {
      q.batches[q.head] = b - rest;
      rest = 0;
    }
  }
  if (q.count === 0) q.available = 0;
}

/** Moves on to step k: the batches that arrived during the step before join the end of the line. */
function advance(q: QueueState, k: number, dt: number): void {
  if (q.step === k) return;
  let level = q.available;
  for (let j = 0; j < q.shape.inflows; j++) {
    if (q.addStamp[j] !== q.step) continue;
    const amount = q.added[j]! * dt;
    if (amount > 0) push(q, amount);
    if (amount !== 0) level += amount;
  }
  q.step = k;
  q.level = q.count === 0 && level === level ? 0 : level;
  q.available = q.level;
  q.blocked = 0;
}

/** Start of the run: the initial content is one batch. */
export function queueInit(q: QueueState, k: number, _dt: number, _index: number, initial: number): number {
  q.count = 0;
  q.head = 0;
  if (initial > 0) push(q, initial);
  q.step = k;
  q.level = initial;
  q.available = initial > 0 ? initial : initial === initial ? 0 : initial;
  q.blocked = 0;
  return initial;
}

/** The queue's content at step k (its stock's value). */
export function queueLevel(q: QueueState, k: number, dt: number): number {
  advance(q, k, dt);
  return q.level;
}

/** Outflow `index` takes up to `wanted` (never below 0), at most `limit`, from the head in step k; returns what it took, as a flow. */
export function queueTake(q: QueueState, k: number, dt: number, index: number, wanted: number, limit: number): number {
  if (q.takeStamp[index] === k) return q.taken[index]!;
  advance(q, k, dt);
  q.takeStamp[index] = k;
  const can = Math.min(Math.max(0, wanted), q.available / dt);
  const take = Math.min(can, limit);
  if (can > take) q.blocked += (can - take) * dt;
  remove(q, take * dt);
  q.taken[index] = take;
  return take;
}

/** Overflow `index` takes what the outflows before it could not pass on, at most `limit`, in step k. */
export function queueOverflow(q: QueueState, k: number, dt: number, index: number, limit: number): number {
  if (q.takeStamp[index] === k) return q.taken[index]!;
  advance(q, k, dt);
  q.takeStamp[index] = k;
  const take = Math.min(q.blocked / dt, q.available / dt, limit);
  if (take > 0) q.blocked -= take * dt;
  remove(q, take * dt);
  q.taken[index] = take;
  return take;
}

/** Inflow `index` brings a batch of `rate` · DT (never below 0) in step k; returns the rate, as a flow. */
export function queueAdd(q: QueueState, k: number, dt: number, index: number, rate: number): number {
  if (q.addStamp[index] === k) return q.added[index]!;
  advance(q, k, dt);
  q.addStamp[index] = k;
  const a = Math.max(0, rate);
  q.added[index] = a;
  return a;
}
