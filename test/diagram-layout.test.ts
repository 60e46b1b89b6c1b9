/** The automatic stock-and-flow layout: geometry checked on small models and the examples. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkModel, parseModel } from '../engine/src/index.js';
import { CONVERTER_RADIUS, CONVEYOR_WIDTH, layoutDiagram, STOCK_HEIGHT, STOCK_WIDTH, stockWidth, transitText, wrapLabel, type DiagramLayout, type DiagramNode } from '../renderer/src/diagram/layout.js';

function layout(text: string): DiagramLayout {
  const checked = checkModel(parseModel(text, 'm.cwm').ast);
  return layoutDiagram(checked.model ?? checked.partial!);
}
const node = (l: DiagramLayout, name: string): DiagramNode => l.nodes.find((n) => n.name === name)!;

const PATHWAY = `model "Pathway"
simulation
  start: 0
  stop: 10

stock Hospital = 10
  inflow: admissions
  outflow: discharges
stock "Intermediate care" = 5
  inflow: discharges
  outflow: "step down"
stock Home = 100
  inflow: "step down"
  outflow: deaths

flow admissions = "admission rate" * 2
flow discharges = Hospital / "length of stay"
flow "step down" = "Intermediate care" / 6
flow deaths = Home * "death rate"

const "admission rate" = 3
const "length of stay" = 7
const "death rate" = 0.01
aux "Occupancy" = Hospital / places
const places = 12
`;

const SERVICE = `model "Service"
stock Waiting = 10
  inflow: referrals
  outflow: admissions, diverted
  queue
stock Care = 0
  inflow: admissions
  outflow: discharges, deaths
  conveyor
  transit time: 4
  capacity: places
stock Elsewhere = 0
  inflow: diverted
stock Died = 0
  inflow: deaths
flow referrals = 5
flow admissions
flow discharges
flow deaths
  leak fraction: 0.1
flow diverted
  overflow
const places = 12
`;

/** Two shapes overlap when their boxes (stocks) or circles (converters) intersect. */
function overlaps(a: DiagramNode, b: DiagramNode): boolean {
  const half = (n: DiagramNode) => (n.kind === 'stock' ? { w: stockWidth(n.role) / 2, h: STOCK_HEIGHT / 2 } : { w: CONVERTER_RADIUS, h: CONVERTER_RADIUS });
  const ha = half(a);
  const hb = half(b);
  return Math.abs(a.x - b.x) < ha.w + hb.w && Math.abs(a.y - b.y) < ha.h + hb.h;
}

describe('layoutDiagram', () => {
  it('lays a chain of stocks left to right with pipes between their edges and clouds at the ends', () => {
    const l = layout(PATHWAY);
    const [h, ic, home] = ['Hospital', 'Intermediate care', 'Home'].map((n) => node(l, n));
    expect(h!.x).toBeLessThan(ic!.x);
    expect(ic!.x).toBeLessThan(home!.x);
    expect(h!.y).toBe(ic!.y);
    const discharges = l.pipes.find((p) => p.flow === 'discharges')!;
    expect(discharges.points[0]).toEqual({ x: h!.x + STOCK_WIDTH / 2, y: h!.y });
    expect(discharges.points.at(-1)).toEqual({ x: ic!.x - STOCK_WIDTH / 2, y: ic!.y });
    // The valve sits on its pipe.
    const valve = node(l, 'discharges');
    expect(valve.y).toBe(h!.y);
    expect(valve.x).toBeGreaterThan(h!.x + STOCK_WIDTH / 2);
    expect(valve.x).toBeLessThan(ic!.x - STOCK_WIDTH / 2);
    // Admissions come from outside the model, deaths leave it: a cloud at each open end.
    const admissions = l.pipes.find((p) => p.flow === 'admissions')!;
    const deaths = l.pipes.find((p) => p.flow === 'deaths')!;
    expect(l.clouds).toContainEqual(admissions.points[0]);
    expect(l.clouds).toContainEqual(deaths.points.at(-1));
    expect(l.clouds).toHaveLength(2);
  });

  it('draws one arrow per variable read, ending at the reader', () => {
    const l = layout(PATHWAY);
    const pairs = l.links.map((k) => `${k.from} -> ${k.to}`).sort();
    expect(pairs).toEqual([
      'Home -> deaths', 'Hospital -> Occupancy', 'Hospital -> discharges', 'Intermediate care -> step down',
      'admission rate -> admissions', 'death rate -> deaths', 'length of stay -> discharges', 'places -> Occupancy',
    ]);
    const link = l.links.find((k) => k.from === 'length of stay')!;
    const reader = node(l, 'discharges');
    expect(Math.hypot(link.end.x - reader.x, link.end.y - reader.y)).toBeLessThan(15);
  });

  it('places converters near what they feed, without overlapping anything, inside the drawing', () => {
    for (const text of [PATHWAY, SERVICE, ...['residential-care', 'intermediate-care', 'step-down-beds'].map((m) => readFileSync(new URL(`../resources/models/${m}.cwm`, import.meta.url), 'utf8'))]) {
      const l = layout(text);
      for (let i = 0; i < l.nodes.length; i++) {
        const a = l.nodes[i]!;
        expect(a.x).toBeGreaterThan(0);
        expect(a.y).toBeGreaterThan(0);
        expect(a.x).toBeLessThan(l.width);
        expect(a.y).toBeLessThan(l.height);
        for (const b of l.nodes.slice(i + 1)) {
          if (a.kind !== 'flow' && b.kind !== 'flow') expect(overlaps(a, b), `${a.name} overlaps ${b.name}`).toBe(false);
        }
      }
    }
    const l = layout(PATHWAY);
    const rate = node(l, 'length of stay');
    const valve = node(l, 'discharges');
    expect(Math.hypot(rate.x - valve.x, rate.y - valve.y)).toBeLessThan(200);
    expect(rate.y).toBeLessThan(valve.y);
  });

  it('routes a flow back to an earlier stock below the row, and lays out a partial model', () => {
    const l = layout(`model "Loop"
stock A = 1
  outflow: f
  inflow: back
stock B = 0
  inflow: f
  outflow: back
flow f = A * 0.1
flow back = B * 0.2
`);
    const back = l.pipes.find((p) => p.flow === 'back')!;
    const a = node(l, 'A');
    expect(node(l, 'B').x).toBeGreaterThan(a.x);
    expect(Math.min(...back.points.map((p) => p.y))).toBeGreaterThanOrEqual(a.y + STOCK_HEIGHT / 2);
    const broken = layout('model "x"\nstock S = 1\n  outflow: f\nflow f = S * missing\n');
    expect(broken.nodes.map((n) => n.name).sort()).toEqual(['S', 'f']);
  });
});

describe('conveyors and queues on the diagram', () => {
  it('draws a conveyor as a wider belt and a queue as a marked stock, between their pipes', () => {
    const l = layout(SERVICE);
    const care = node(l, 'Care');
    expect(care.role).toBe('conveyor');
    expect(stockWidth(care.role)).toBe(CONVEYOR_WIDTH);
    expect(node(l, 'Waiting').role).toBe('queue');
    expect(node(l, 'Waiting').x).toBeLessThan(care.x);
    const admissions = l.pipes.find((p) => p.flow === 'admissions')!;
    expect(admissions.points.at(-1)).toEqual({ x: care.x - CONVEYOR_WIDTH / 2, y: care.y });
    const discharges = l.pipes.find((p) => p.flow === 'discharges')!;
    expect(discharges.points[0]).toEqual({ x: care.x + CONVEYOR_WIDTH / 2, y: care.y });
    // The belt says how long it takes; what sets its capacity is linked to it; a click on it opens `stock Care` (line 6, after "stock ").
    expect(care.transit).toBe('4');
    expect(l.links.filter((k) => k.to === 'Care').map((k) => k.from)).toEqual(['places']);
    expect([care.line, care.column]).toEqual([6, 7]);
    expect(node(l, 'Waiting').transit).toBeUndefined();
  });

  it('lets leakages leave from the underside of the conveyor, and marks an overflow\'s pipe', () => {
    const l = layout(SERVICE);
    const care = node(l, 'Care');
    const deaths = l.pipes.find((p) => p.flow === 'deaths')!;
    expect(deaths.role).toBe('leak');
    expect(deaths.points[0]!.y).toBe(care.y + STOCK_HEIGHT / 2);
    expect(Math.abs(deaths.points[0]!.x - care.x)).toBeLessThan(CONVEYOR_WIDTH / 2);
    const died = node(l, 'Died');
    expect(deaths.points.at(-1)).toEqual({ x: died.x, y: died.y + STOCK_HEIGHT / 2 });
    expect(node(l, 'deaths').role).toBe('leak');
    expect(l.pipes.find((p) => p.flow === 'diverted')!.role).toBe('overflow');
    expect(l.pipes.find((p) => p.flow === 'admissions')!.role).toBeUndefined();
    // A leakage to nowhere drops from the belt to a cloud below it.
    const alone = layout(SERVICE.replace('stock Died = 0\n  inflow: deaths\n', ''));
    const drop = alone.pipes.find((p) => p.flow === 'deaths')!;
    const belt = node(alone, 'Care');
    expect(drop.points[0]!.y).toBe(belt.y + STOCK_HEIGHT / 2);
    expect(drop.points.at(-1)!.y).toBeGreaterThan(drop.points[0]!.y);
    expect(alone.clouds).toContainEqual(drop.points.at(-1));
    // Its valve sits on that upright pipe, so its name goes beside it rather than across the pipe.
    expect(node(alone, 'deaths').labelRight).toBe(true);
    expect(node(alone, 'deaths').x).toBe(drop.points[0]!.x);
    expect(node(alone, 'admissions').labelRight).toBeUndefined();
  });

  it('writes the transit time on the belt: a number with the time unit, a constant\'s value, else what sets it', () => {
    const transit = (extra: string, time: string) => node(layout(`model "T"
simulation
  start: 0
  stop: 10${extra}
stock Care = 0
  inflow: admissions
  outflow: discharges
  conveyor
  transit time: ${time}
flow admissions = 1
flow discharges
const stay [week] = 2.5
aux "stay now" = stay * 2
`), 'Care').transit;
    expect(transit('\n  time unit: week', '3')).toBe('3 week');
    expect(transit('', '3')).toBe('3');
    expect(transit('\n  time unit: day', 'stay')).toBe('2.5 week');
    expect(transit('', '"stay now"')).toBe('stay now');
    expect(transit('', 'stay + 1')).toBe('computed');
    expect(transitText({ k: 'num', v: 1 / 3, span: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } } }, 'day')).toBe('0.3333 day');
  });
});

describe('wrapLabel', () => {
  it('breaks at words, and marks a cut', () => {
    expect(wrapLabel('People in residential care', 15, 3)).toEqual(['People in', 'residential', 'care']);
    expect(wrapLabel('Admissions per 100k aged 65+ in the county', 15, 2)).toEqual(['Admissions per', '100k aged 65+…']);
    expect(wrapLabel('Supercalifragilisticexpialidocious', 10, 2)).toEqual(['Supercali…']);
  });
});
