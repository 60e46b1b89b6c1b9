/**
 * An automatic stock-and-flow map of a checked model, in the conventions of Stella and Vensim:
 * stocks as boxes placed along their flow chains (left to right, one row per chain), flows as pipes
 * with a valve (a cloud where a flow comes from or goes to outside the model), converters as
 * circles near the variables they feed, and an arrow for every variable another one reads.
 * Conveyors are wider boxes (drawn as a belt) whose leakages leave from their underside, queues
 * boxes marked as a line; a queue's overflow is marked on its pipe.
 * Pure geometry: no DOM, so it is tested under Node.
 */
import { propertyReads, variableReads, type CheckedModel, type RExpr, type Variable } from '../../../engine/src/index.js';

export type NodeKind = 'stock' | 'flow' | 'aux' | 'const' | 'graph';

export interface Point { readonly x: number; readonly y: number }

/** Stocks: a conveyor or a queue; flows: a conveyor's leakage or a queue's overflow. */
export type NodeRole = 'conveyor' | 'queue' | 'leak' | 'overflow';

export interface DiagramNode {
  readonly name: string;
  readonly kind: NodeKind;
  readonly x: number;
  readonly y: number;
  readonly arrayed: boolean;
  readonly role?: NodeRole;
  /** Conveyors: how long the belt takes, as written on it ("4 week", or the variable that sets it). */
  readonly transit?: string;
  readonly units?: string;
  /** Flows: the name goes to the right of the valve, off its pipe, when the pipe runs vertically there (else below it). */
  readonly labelRight?: boolean;
  /** A converter drawn above what it feeds: its name goes over the circle, clear of the stock below. */
  readonly labelAbove?: boolean;
  /** Where the variable's name is declared, for jumping to its equation. */
  readonly line: number;
  readonly column: number;
}

export interface DiagramPipe {
  readonly flow: string;
  /** From the source (stock edge or cloud) to the sink; the valve sits on it. */
  readonly points: readonly Point[];
  readonly role?: 'leak' | 'overflow';
}

export interface DiagramLink {
  readonly from: string;
  readonly to: string;
  readonly start: Point;
  /** Control point of the quadratic curve. */
  readonly control: Point;
  readonly end: Point;
}

export interface DiagramLayout {
  readonly nodes: readonly DiagramNode[];
  readonly pipes: readonly DiagramPipe[];
  readonly clouds: readonly Point[];
  readonly links: readonly DiagramLink[];
  readonly width: number;
  readonly height: number;
}

export const STOCK_WIDTH = 110;
export const STOCK_HEIGHT = 54;
/** A conveyor is drawn as a belt, wider than a stock. */
export const CONVEYOR_WIDTH = 170;
export const CONVERTER_RADIUS = 16;
export const VALVE_RADIUS = 10;
const COLUMN = 250;
const ROW = 300;
// Converters sit on a grid of cells wide enough for their labels.
const CELL_X = 120;
const CELL_Y = 62;
const MARGIN = 70;
const CLOUD_GAP = 110;

interface Place { x: number; y: number }

/** The width of a stock's box. */
export function stockWidth(role: NodeRole | undefined): number {
  return role === 'conveyor' ? CONVEYOR_WIDTH : STOCK_WIDTH;
}

function roleOf(v: Variable): NodeRole | undefined {
  return v.conveyor ? 'conveyor' : v.queue ? 'queue' : v.leak ? 'leak' : v.overflow ? 'overflow' : undefined;
}

const half = (v: Variable): number => stockWidth(roleOf(v)) / 2;

export function layoutDiagram(model: CheckedModel): DiagramLayout {
  const vars = model.variables;
  const stocks = vars.filter((v) => v.kind === 'stock');
  const flows = vars.filter((v) => v.kind === 'flow');
  const source = new Map<Variable, Variable>();
  const sink = new Map<Variable, Variable>();
  for (const s of stocks) {
    for (const f of s.outflows) if (!source.has(f)) source.set(f, s);
    for (const f of s.inflows) if (!sink.has(f)) sink.set(f, s);
  }

  const places = new Map<Variable, Place>();
  const pipes: DiagramPipe[] = [];
  const upright = new Set<Variable>();
  const clouds: Point[] = [];
  const occupied = new Set<string>();
  const occupy = (x: number, y: number): void => { occupied.add(cellKey(x, y)); };

  // --- stocks: one row per chain of stocks joined by flows, layered by flow order ---------------
  let rowY = 0;
  for (const chain of stockChains(stocks, flows, source, sink)) {
    const layer = layersOf(chain, flows, source, sink);
    const perLayer = new Map<number, Variable[]>();
    for (const s of chain) perLayer.set(layer.get(s)!, [...(perLayer.get(layer.get(s)!) ?? []), s]);
    let tallest = 1;
    for (const [l, members] of perLayer) {
      members.forEach((s, i) => places.set(s, { x: l * COLUMN, y: rowY + i * (ROW * 0.6) }));
      tallest = Math.max(tallest, members.length);
    }
    rowY += ROW * (0.6 * (tallest - 1) + 1);
  }
  for (const s of stocks) {
    const p = places.get(s)!;
    for (let dx = -half(s); dx <= half(s); dx += CELL_X / 4) for (const dy of [-STOCK_HEIGHT / 2, 0, STOCK_HEIGHT / 2]) occupy(p.x + dx, p.y + dy);
  }

  // --- flows: pipes between stocks, or from/to clouds on a free side -----------------------------
  const sideSlots = new Map<Variable, { left: number; right: number; top: number; bottom: number }>();
  const slots = (s: Variable) => {
    let v = sideSlots.get(s);
    if (!v) sideSlots.set(s, v = { left: 0, right: 0, top: 0, bottom: 0 });
    return v;
  };
  for (const f of flows) {
    const from = source.get(f);
    const to = sink.get(f);
    if (from && to && !f.leak) {
      slots(from).right++;
      slots(to).left++;
    }
  }
  const used = new Map<Variable, { left: number; right: number; top: number; bottom: number }>();
  const take = (s: Variable, side: 'left' | 'right' | 'top' | 'bottom'): number => {
    let u = used.get(s);
    if (!u) used.set(s, u = { left: 0, right: 0, top: 0, bottom: 0 });
    return u[side]++;
  };
  let looseFlows = 0;
  for (const f of flows) {
    const from = source.get(f);
    const to = sink.get(f);
    let points: Point[];
    if (from && to && f.leak) {
      // A leakage leaves from the underside of its conveyor, runs below and enters its stock from below.
      const a = places.get(from)!;
      const b = places.get(to)!;
      const slot = take(from, 'bottom');
      const start = { x: a.x + spread(slot), y: a.y + STOCK_HEIGHT / 2 };
      const below = Math.max(a.y, b.y) + STOCK_HEIGHT / 2 + 60 + 20 * slot;
      points = [start, { x: start.x, y: below }, { x: b.x, y: below }, { x: b.x, y: b.y + STOCK_HEIGHT / 2 }];
    } else if (from && to) {
      points = stockToStock(places.get(from)!, places.get(to)!, half(from), half(to), take(from, 'right'), take(to, 'left'));
    } else if (to) {
      const p = places.get(to)!;
      const free = slots(to).left === 0 && !used.get(to)?.left;
      if (free) {
        take(to, 'left');
        points = [{ x: p.x - half(to) - CLOUD_GAP, y: p.y }, { x: p.x - half(to), y: p.y }];
      } else {
        const dx = spread(take(to, 'top'));
        points = [{ x: p.x + dx, y: p.y - STOCK_HEIGHT / 2 - CLOUD_GAP }, { x: p.x + dx, y: p.y - STOCK_HEIGHT / 2 }];
      }
      clouds.push(points[0]!);
    } else if (from) {
      const p = places.get(from)!;
      const free = !f.leak && slots(from).right === 0 && !used.get(from)?.right;
      if (free) {
        take(from, 'right');
        points = [{ x: p.x + half(from), y: p.y }, { x: p.x + half(from) + CLOUD_GAP, y: p.y }];
      } else {
        const dx = spread(take(from, 'bottom'));
        points = [{ x: p.x + dx, y: p.y + STOCK_HEIGHT / 2 }, { x: p.x + dx, y: p.y + STOCK_HEIGHT / 2 + CLOUD_GAP }];
      }
      clouds.push(points[points.length - 1]!);
    } else {
      // A flow no stock uses: a pipe between two clouds, below the chains.
      const x = looseFlows++ * COLUMN;
      points = [{ x: x - CLOUD_GAP / 2, y: rowY }, { x: x + CLOUD_GAP / 2, y: rowY }];
      clouds.push(points[0]!, points[1]!);
    }
    const role = roleOf(f);
    pipes.push(role === 'leak' || role === 'overflow' ? { flow: f.name, points, role } : { flow: f.name, points });
    const valve = valveOn(points);
    places.set(f, { x: valve.x, y: valve.y });
    if (valve.upright) { upright.add(f); occupy(valve.x + CELL_X / 2, valve.y); }
    for (let i = 1; i < points.length; i++) markSegment(points[i - 1]!, points[i]!, occupy);
  }
  if (looseFlows > 0) rowY += ROW / 2;

  // --- converters: next to what they feed, else next to what they read -------------------------
  const converters = vars.filter((v) => v.kind !== 'stock' && v.kind !== 'flow');
  const readers = new Map<Variable, Variable[]>();
  const reads = new Map<Variable, Variable[]>();
  for (const v of vars) {
    const r = variableReads(v);
    reads.set(v, r);
    for (const dep of r) readers.set(dep, [...(readers.get(dep) ?? []), v]);
  }
  let pending = converters.filter((c) => !places.has(c));
  let spareX = 0;
  while (pending.length > 0) {
    let progressed = false;
    for (const c of pending) {
      const near = (readers.get(c) ?? []).map((r) => places.get(r)).filter((p): p is Place => !!p);
      const above = near.length > 0;
      const anchors = above ? near : (reads.get(c) ?? []).map((r) => places.get(r)).filter((p): p is Place => !!p);
      if (anchors.length === 0) continue;
      const cx = anchors.reduce((a, p) => a + p.x, 0) / anchors.length;
      const cy = anchors.reduce((a, p) => a + p.y, 0) / anchors.length + (above ? -CELL_Y * 1.5 : CELL_Y * 1.5);
      const spot = freeCellNear(cx, cy, occupied);
      places.set(c, spot);
      occupy(spot.x, spot.y);
      progressed = true;
    }
    pending = pending.filter((c) => !places.has(c));
    if (!progressed && pending.length > 0) {
      // Nothing placed is related to these: start a row of them below the chains.
      const c = pending.shift()!;
      const spot = freeCellNear(spareX, rowY, occupied);
      spareX += CELL_X;
      places.set(c, spot);
      occupy(spot.x, spot.y);
    }
  }

  // A converter just above a stock or pipe has its name over the circle, clear of what is below…
  const labelledAbove = new Set<Variable>();
  for (const c of converters) {
    const p = places.get(c);
    if (!p) continue;
    const under = vars.some((v) => {
      const q = v.kind === 'stock' || v.kind === 'flow' ? places.get(v) : undefined;
      return q !== undefined && q.y > p.y && q.y - p.y <= CELL_Y * 1.5 && Math.abs(q.x - p.x) < half(v) + CELL_X / 2;
    });
    // …unless another converter sits just above it, whose name would meet this one's.
    const over = converters.some((o) => {
      const q = o === c ? undefined : places.get(o);
      return q !== undefined && q.y < p.y && p.y - q.y <= CELL_Y * 1.5 && Math.abs(q.x - p.x) < CELL_X;
    });
    if (under && !over) labelledAbove.add(c);
  }

  // --- links: an arrow for every read, except a flow into its own stock (the pipe shows it) ------
  // A stock's initial value is not drawn; a conveyor's transit time, capacity and the like are.
  const links: DiagramLink[] = [];
  for (const v of vars) {
    const to = places.get(v)!;
    for (const dep of v.kind === 'stock' ? propertyReads(v) : reads.get(v) ?? []) {
      const from = places.get(dep);
      if (!from) continue;
      links.push(curvedLink(dep, from, v, to));
    }
  }

  // --- normalise to positive coordinates with a margin --------------------------------------------
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [v, p] of places) { const w = Math.max(STOCK_WIDTH, 2 * half(v)); xs.push(p.x - w, p.x + w); ys.push(p.y - STOCK_HEIGHT, p.y + STOCK_HEIGHT); }
  for (const c of clouds) { xs.push(c.x - 30, c.x + 30); ys.push(c.y - 30, c.y + 30); }
  const minX = xs.length ? Math.min(...xs) : 0;
  const minY = ys.length ? Math.min(...ys) : 0;
  const dx = MARGIN - minX;
  const dy = MARGIN - minY;
  const shift = (p: Point): Point => ({ x: round(p.x + dx), y: round(p.y + dy) });

  const nodes: DiagramNode[] = vars.map((v) => {
    const p = shift(places.get(v)!);
    const role = roleOf(v);
    return {
      name: v.name, kind: v.kind, x: p.x, y: p.y, arrayed: v.dims.length > 0,
      ...(role ? { role } : {}),
      ...(v.conveyor ? { transit: transitText(v.conveyor.transitTime, model.sim.timeUnit) } : {}),
      ...(upright.has(v) ? { labelRight: true } : {}),
      ...(labelledAbove.has(v) ? { labelAbove: true } : {}),
      ...(v.unitsText ? { units: v.unitsText } : {}),
      line: v.nameSpan.start.line, column: v.nameSpan.start.column,
    };
  });
  return {
    nodes,
    pipes: pipes.map((p) => ({ ...p, points: p.points.map(shift) })),
    clouds: clouds.map(shift),
    links: links.map((l) => ({ from: l.from, to: l.to, start: shift(l.start), control: shift(l.control), end: shift(l.end) })),
    width: round((xs.length ? Math.max(...xs) : 0) + dx + MARGIN),
    height: round((ys.length ? Math.max(...ys) : 0) + dy + MARGIN),
  };
}

/**
 * A conveyor's transit time as written on its belt: a number (with the time unit), a constant's
 * value (with its units), else the name of the variable that sets it, else "computed".
 */
export function transitText(e: RExpr, timeUnit: string | undefined): string {
  const withUnit = (n: number, unit: string | undefined) => (unit ? `${formatNumber(n)} ${unit}` : formatNumber(n));
  if (e.k === 'num') return withUnit(e.v, timeUnit);
  if (e.k === 'var') {
    const all = e.ref.equations?.all;
    if (e.ref.kind === 'const' && e.ref.dims.length === 0 && all?.k === 'num') return withUnit(all.v, e.ref.unitsText ?? timeUnit);
    return e.ref.name;
  }
  return 'computed';
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}

/** Groups of stocks joined by flows, in the order their first stock is declared. */
function stockChains(stocks: readonly Variable[], flows: readonly Variable[], source: ReadonlyMap<Variable, Variable>, sink: ReadonlyMap<Variable, Variable>): Variable[][] {
  const parent = new Map<Variable, Variable>(stocks.map((s) => [s, s]));
  const find = (s: Variable): Variable => {
    while (parent.get(s) !== s) s = parent.get(s)!;
    return s;
  };
  for (const f of flows) {
    const a = source.get(f);
    const b = sink.get(f);
    if (a && b) parent.set(find(a), find(b));
  }
  const groups = new Map<Variable, Variable[]>();
  for (const s of stocks) groups.set(find(s), [...(groups.get(find(s)) ?? []), s]);
  return [...groups.values()];
}

/** Column of each stock in its chain: the longest run of flows leading to it (cycles broken). */
function layersOf(chain: readonly Variable[], flows: readonly Variable[], source: ReadonlyMap<Variable, Variable>, sink: ReadonlyMap<Variable, Variable>): Map<Variable, number> {
  const members = new Set(chain);
  const next = new Map<Variable, Variable[]>(chain.map((s) => [s, []]));
  for (const f of flows) {
    const a = source.get(f);
    const b = sink.get(f);
    if (a && b && a !== b && members.has(a)) next.get(a)!.push(b);
  }
  // Depth-first from each stock in declaration order; edges back into the current path are ignored.
  const layer = new Map<Variable, number>(chain.map((s) => [s, 0]));
  const onPath = new Set<Variable>();
  const visit = (s: Variable, depth: number): void => {
    if (onPath.has(s) || depth < layer.get(s)! || depth > chain.length) return;
    layer.set(s, depth);
    onPath.add(s);
    for (const t of next.get(s)!) visit(t, depth + 1);
    onPath.delete(s);
  };
  const entered = new Set<Variable>();
  for (const s of chain) for (const t of next.get(s)!) entered.add(t);
  for (const s of chain) if (!entered.has(s)) visit(s, 0);
  if (entered.size === chain.length) visit(chain[0]!, 0);
  return layer;
}

function stockToStock(a: Place, b: Place, halfA: number, halfB: number, outSlot: number, inSlot: number): Point[] {
  const start = { x: a.x + halfA, y: a.y + spread(outSlot) / 3 };
  const end = { x: b.x - halfB, y: b.y + spread(inSlot) / 3 };
  if (end.x > start.x + 20) {
    if (Math.abs(start.y - end.y) < 1) return [start, end];
    const mid = (start.x + end.x) / 2;
    return [start, { x: mid, y: start.y }, { x: mid, y: end.y }, end];
  }
  // A flow back to an earlier stock: leave from the bottom, run below the row, enter from the bottom.
  const bottom = Math.max(a.y, b.y) + STOCK_HEIGHT / 2 + 60 + 20 * outSlot;
  const from = { x: a.x + 20, y: a.y + STOCK_HEIGHT / 2 };
  const to = { x: b.x - 20, y: b.y + STOCK_HEIGHT / 2 };
  return [from, { x: from.x, y: bottom }, { x: to.x, y: bottom }, to];
}

/** The valve sits halfway along the pipe's longest segment. */
/** The valve sits in the middle of the pipe's longest segment; `upright` when that segment is vertical. */
function valveOn(points: readonly Point[]): Place & { upright: boolean } {
  let best = 0;
  let at = { x: points[0]!.x, y: points[0]!.y, upright: false };
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len > best) { best = len; at = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, upright: Math.abs(a.x - b.x) < 1e-9 }; }
  }
  return at;
}

/** A gently curved arrow from the edge of one node to the edge of the other. */
function curvedLink(fromVar: Variable, from: Place, toVar: Variable, to: Place): DiagramLink {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const start = edgePoint(fromVar, from, ux, uy);
  const end = edgePoint(toVar, to, -ux, -uy);
  const bend = Math.min(40, len * 0.15);
  const control = { x: (start.x + end.x) / 2 - uy * bend, y: (start.y + end.y) / 2 + ux * bend };
  return { from: fromVar.name, to: toVar.name, start, control, end };
}

function edgePoint(v: Variable, p: Place, ux: number, uy: number): Point {
  if (v.kind === 'stock') {
    const tx = ux === 0 ? Infinity : half(v) / Math.abs(ux);
    const ty = uy === 0 ? Infinity : (STOCK_HEIGHT / 2) / Math.abs(uy);
    const t = Math.min(tx, ty);
    return { x: p.x + ux * t, y: p.y + uy * t };
  }
  const r = v.kind === 'flow' ? VALVE_RADIUS + 2 : CONVERTER_RADIUS + 2;
  return { x: p.x + ux * r, y: p.y + uy * r };
}

function spread(slot: number): number {
  return slot === 0 ? 0 : (slot % 2 === 1 ? 1 : -1) * Math.ceil(slot / 2) * 34;
}

function markSegment(a: Point, b: Point, occupy: (x: number, y: number) => void): void {
  const steps = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / (CELL_Y / 2)));
  for (let i = 0; i <= steps; i++) occupy(a.x + ((b.x - a.x) * i) / steps, a.y + ((b.y - a.y) * i) / steps);
}

function cellKey(x: number, y: number): string {
  return `${Math.round(x / CELL_X)},${Math.round(y / CELL_Y)}`;
}

/** The nearest free grid cell to (x, y), searching outwards ring by ring. */
function freeCellNear(x: number, y: number, occupied: ReadonlySet<string>): Place {
  const cx = Math.round(x / CELL_X);
  const cy = Math.round(y / CELL_Y);
  for (let r = 0; r < 200; r++) {
    for (let i = -r; i <= r; i++) {
      for (const [gx, gy] of [[cx + i, cy - r], [cx + i, cy + r], [cx - r, cy + i], [cx + r, cy + i]] as const) {
        if (!occupied.has(`${gx},${gy}`)) return { x: gx * CELL_X, y: gy * CELL_Y };
      }
    }
  }
  return { x, y };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Words in lines of at most `width` characters; the last kept line ends in … when cut. */
export function wrapLabel(name: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of name.split(/\s+/)) {
    if (line && (line + ' ' + word).length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1]!.slice(0, width - 1)}…`;
  return kept;
}
