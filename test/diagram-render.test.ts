/** The diagram's SVG for conveyors and queues (rendered to markup under Node, no browser). */
import { readFileSync } from 'node:fs';
import { createElement, type FunctionComponent } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { checkModel, parseModel } from '../engine/src/index.js';
import { layoutDiagram, type DiagramLayout } from '../renderer/src/diagram/layout.js';

// Diagram.tsx is type-checked with the renderer (JSX, DOM); here it is only rendered, so it is imported by a path tsc does not follow.
const DIAGRAM: string = '../renderer/src/diagram/Diagram.js';
const { Diagram } = (await import(DIAGRAM)) as { Diagram: FunctionComponent<{ layout: DiagramLayout; onSelect: () => void }> };

function svgOf(text: string): string {
  const layout = layoutDiagram(checkModel(parseModel(text, 'm.cwm').ast).model!);
  return renderToStaticMarkup(createElement(Diagram, { layout, onSelect: () => undefined }));
}

describe('Diagram', () => {
  it('draws a conveyor as a belt of slats, a queue as a line, and marks leakage and overflow pipes', () => {
    const svg = svgOf(`${readFileSync('resources/models/step-down-beds.cwm', 'utf8')}
flow "Turned away" [people/week]
  overflow
`.replace('outflow: "Admitted to a step-down bed"', 'outflow: "Admitted to a step-down bed", "Turned away"'));
    expect(svg).toMatch(/<g class="node stock conveyor" data-testid="diagram-node" data-name="In step-down beds" data-kind="stock" data-role="conveyor"[^>]*>.*?<rect x="-85" y="-27" width="170"[^>]*>.*?<g class="belt">/);
    expect(svg).toMatch(/data-name="Waiting in hospital" data-kind="stock" data-role="queue"[^>]*>.*?<g class="queue-line">/);
    expect(svg).toMatch(/<g class="pipe leak" data-role="leak">/);
    expect(svg).toMatch(/<g class="pipe overflow" data-role="overflow">.*?stroke-dasharray="6 4"/);
    expect(svg).toMatch(/data-name="Died in a step-down bed" data-kind="flow" data-role="leak"/);
    // The belt carries its transit time (the constant "Length of stay", 4 week), with no slats under the writing.
    const belt = /<g class="belt">(.*?)<\/g>/.exec(svg)![1]!;
    expect(belt).toContain('<text class="transit" x="0" y="24.5" text-anchor="middle" font-size="10" fill="#3b4a5a">transit 4 week</text>');
    const slats = [...belt.matchAll(/<path d="M(-?[\d.]+),16 V27"/g)].map((m) => Number(m[1]));
    // Slats every 12 from -75 to 69 on the 170-wide belt, less those within (14 × 5.5 + 8) / 2 = 42.5 of the middle.
    expect(slats).toEqual([-75, -63, -51, 45, 57, 69]);
    expect(belt).toContain('<path d="M-85,16 H85"');
    // Leakage and overflow valves are labelled as such, beside their upright pipes; an ordinary flow's name sits under its valve.
    expect(svg).toMatch(/data-name="Died in a step-down bed"[^>]*>.*?<text text-anchor="start"[^>]*><tspan x="15"[^>]*>Died in a step-down<\/tspan><tspan x="15"[^>]*>bed<\/tspan><tspan class="role-tag"[^>]*>\(leakage\)<\/tspan><\/text>/);
    expect(svg).toMatch(/data-name="Turned away"[^>]*>.*?<tspan x="15"[^>]*>Turned away<\/tspan><tspan class="role-tag"[^>]*>\(overflow\)<\/tspan>/);
    expect(svg).toMatch(/data-name="Discharged home"[^>]*>.*?<text text-anchor="middle"[^>]*><tspan x="0" y="24">Discharged home<\/tspan><\/text>/);
    expect(svg.match(/class="role-tag"/g)).toHaveLength(2);
    // Converters one cell (120) apart: their names wrap at 16 characters so neighbours' labels do not run into each other;
    // those just above a stock or pipe have their names over the circle (radius 16), clear of what is below.
    expect(svg).toMatch(/data-name="Beds a week can admit"[^>]*>.*?<tspan x="0" y="-36">Beds a week can<\/tspan><tspan x="0" y="-22">admit<\/tspan><\/text>/);
    expect(svg).toMatch(/data-name="Ready for discharge per week"[^>]*>.*?<tspan x="0" y="-50">Ready for<\/tspan><tspan x="0" y="-36">discharge per<\/tspan><tspan x="0" y="-22">week<\/tspan><\/text>/);
    // One with another converter just above it ("Length of stay") keeps its name underneath, as do those below the chain.
    expect(svg).toMatch(/data-name="Dying during the stay"[^>]*>.*?<tspan x="0" y="30">Dying during the<\/tspan><tspan x="0" y="44">stay<\/tspan><\/text>/);
    expect(svg).toMatch(/data-name="Average wait"[^>]*>.*?<tspan x="0" y="30">Average wait<\/tspan><\/text>/);
  });

  it('draws a plain stock with neither belt nor line', () => {
    const svg = svgOf('model "M"\nstock S = 1\n  inflow: f\nflow f = 1\n');
    expect(svg).toMatch(/<g class="node stock" data-testid="diagram-node" data-name="S" data-kind="stock"[^>]*>.*?<rect x="-55" y="-27" width="110" height="54"/);
    expect(svg).not.toMatch(/belt|queue-line|role-tag|transit|data-role/);
  });
});
