/** The automatic stock-and-flow layout: geometry checked on small models and the examples. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkModel, parseModel } from '../engine/src/index.js';
import { CONVERTER_RADIUS, layoutDiagram, STOCK_HEIGHT, STOCK_WIDTH, wrapLabel, type DiagramLayout, type DiagramNode } from '../renderer/src/diagram/layout.js';

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

/** Two shapes overlap when their boxes (stocks) or circles (converters) intersect. */
function overlaps(a: DiagramNode, b: DiagramNode): boolean {
  const half = (n: DiagramNode) => (n.kind === 'stock' ? { w: STOCK_WIDTH / 2, h: STOCK_HEIGHT / 2 } : { w: CONVERTER_RADIUS, h: CONVERTER_RADIUS });
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
    for (const text of [PATHWAY, ...['residential-care', 'intermediate-care'].map((m) => readFileSync(new URL(`../resources/models/${m}.cwm`, import.meta.url), 'utf8'))]) {
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

describe('wrapLabel', () => {
  it('breaks at words, and marks a cut', () => {
    expect(wrapLabel('People in residential care', 15, 3)).toEqual(['People in', 'residential', 'care']);
    expect(wrapLabel('Admissions per 100k aged 65+ in the county', 15, 2)).toEqual(['Admissions per', '100k aged 65+…']);
    expect(wrapLabel('Supercalifragilisticexpialidocious', 10, 2)).toEqual(['Supercali…']);
  });
});
