import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { compileAst, compileSource, exportXmile, formatDiagnostic, importXmile, parseModel, printModel, simulate, type RunResult } from '../engine/src/index.js';

function numbers(r: RunResult): Record<string, number[]> {
  return Object.fromEntries(r.series.map((s) => [s.name, Array.from(s.values)]));
}

function runXmile(text: string): { result: RunResult; warnings: string[] } {
  const imported = importXmile(text, 'model.stmx');
  const compiled = compileAst(imported.ast, imported.diagnostics);
  expect(compiled.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return { result: simulate(compiled.model!), warnings: compiled.diagnostics.map((d) => d.message) };
}

/** The hand-written Stella file, in our language: what it must mean. */
const stepDown = `model "step-down"

simulation
  start: 0
  stop: 10
  dt: 0.25
  time unit: Weeks

stock "Waiting for a bed" [people] = 5
  inflow: "ready for discharge"
  outflow: admitted, "to care home"
  queue

stock "Step down beds" [people] = 12
  inflow: admitted
  outflow: "discharged home", died
  conveyor
  transit time: "Length of stay"
  capacity: Beds
  inflow limit: 10

stock "Care home" [people] = 0
  inflow: "to care home"
  outflow: "moved on", "care home deaths"
  conveyor
  transit time: 4
  capacity: 4

flow "ready for discharge" [people/week] = 8
  non-negative
flow admitted [people/week]
flow "discharged home" [people/week]
flow died [people/week]
  leak fraction: 0.1
flow "to care home" [people/week]
  overflow
flow "moved on" [people/week]
flow "care home deaths" [people/week]
  leak rate: 0.02
aux "Length of stay" [weeks] = 3
aux Beds [people] = 18
`;

const xmile = (stock: string, flows: string): string => `<?xml version="1.0" encoding="utf-8"?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
  <header><name>t</name><vendor>t</vendor><product version="1.0">t</product><options><uses_conveyor/></options></header>
  <sim_specs method="Euler" time_units="Weeks"><start>0</start><stop>8</stop><dt>1</dt></sim_specs>
  <model><variables>
    <stock name="belt"><eqn>0</eqn><inflow>in_f</inflow>${stock}</stock>
    <flow name="in_f"><eqn>PULSE(10, 1)</eqn></flow>
    ${flows}
  </variables></model>
</xmile>`;

describe('conveyors and queues in XMILE', () => {
  test('a Stella-style file (written by hand from the spec) runs as its meaning in our language, bit for bit', async () => {
    const text = await readFile('test/fixtures/step-down-stella.stmx', 'utf8');
    const { result, warnings } = runXmile(text);
    expect(warnings).toEqual([]);
    expect(numbers(result)).toEqual(numbers(simulate(compileSource(stepDown, 'step-down.cwm').model!)));
    const at0 = Object.fromEntries(result.series.map((s) => [s.name, s.values[0]]));
    // 20 a week could leave the queue (5 people in a step of 1/4); the inflow limit lets in 10, the care home the other 10.
    expect(at0['admitted']).toBe(10);
    expect(at0['to care home']).toBe(10);
    expect(result.series.find((s) => s.name === 'Waiting for a bed')!.values[1]).toBe(2);
  });

  test('export → import gives the same model and the same numbers; printing it gives our language back', async () => {
    const text = await readFile('test/fixtures/step-down-stella.stmx', 'utf8');
    const first = importXmile(text, 'f.stmx').ast;
    const xml = exportXmile(first);
    expect(xml).toContain('<options>\n      <uses_conveyor leak="true"/>\n      <uses_queue overflow="true"/>\n    </options>');
    expect(xml).toContain('<conveyor exponential_leak="true">\n          <len>4</len>\n          <capacity>4</capacity>\n        </conveyor>');
    expect(xml).toContain('<flow name="died">\n        <eqn>0.1</eqn>\n        <non_negative/>\n        <leak/>');
    expect(xml).toContain('<flow name="to care home">\n        <overflow/>');
    expect(numbers(runXmile(xml).result)).toEqual(numbers(runXmile(text).result));
    const cwm = printModel(importXmile(xml, 'again.xmile').ast);
    expect(printModel(parseModel(cwm).ast)).toBe(cwm);
    expect(numbers(simulate(compileSource(cwm).model!))).toEqual(numbers(runXmile(text).result));
  });

  test('the step-down beds example goes to XMILE and back: same numbers, at any number of beds, and the same file again', async () => {
    const source = await readFile('resources/models/step-down-beds.cwm', 'utf8');
    const xml = exportXmile(parseModel(source, 'step-down-beds.cwm').ast);
    expect(xml).toMatch(/<stock name="Waiting in hospital">[\s\S]*?<queue\/>[\s\S]*?<\/stock>/);
    expect(xml).toMatch(/<stock name="In step-down beds">[\s\S]*?<conveyor>\s*<len>"Length of stay"<\/len>\s*<capacity>"Step-down beds"<\/capacity>\s*<\/conveyor>/);
    expect(xml).toMatch(/<flow name="Died in a step-down bed">\s*<eqn>"Dying during the stay"<\/eqn>\s*<leak\/>/);
    const original = compileSource(source, 'step-down-beds.cwm').model!;
    const imported = importXmile(xml, 'step-down-beds.stmx');
    const back = compileAst(imported.ast, imported.diagnostics);
    expect(back.diagnostics.map(formatDiagnostic)).toEqual([]);
    for (const beds of [110, 100, 125]) {
      const options = { overrides: { 'Step-down beds': beds } };
      const want = numbers(simulate(original, options));
      expect(numbers(simulate(back.model!, options))).toEqual(want);
      // Not trivially equal: the queue grows at 110 beds (10 + 52 × (30 − 28.32) ≈ 97.4 by week 52).
      if (beds === 110) expect(want['Waiting in hospital']![52]).toBeCloseTo(97.4, 1);
    }
    expect(exportXmile(imported.ast)).toBe(xml);
  });

  test('our models go to XMILE and back unchanged: leak zones, arrest, sample, leaks listed before the exit', () => {
    const source = `simulation
  start: 0
  stop: 12
  dt: 0.5
stock belt [people] = 20
  inflow: admissions
  outflow: deaths, discharges
  conveyor
  transit time: if TIME < 4 then 3 else 2
  capacity: 30
  arrest: if TIME >= 6 and TIME < 7 then 1 else 0
  sample: if TIME < 8 then 1 else 0
flow admissions [people/week] = 9
flow deaths [people/week]
  leak fraction: 20%
  leak zone: 25%, 75%
flow discharges [people/week]
`;
    const xml = exportXmile(parseModel(source).ast);
    // The end of the belt comes first in XMILE, the leakages after it with their zones.
    expect(xml).toMatch(/<outflow>discharges<\/outflow>\n\s*<outflow>deaths<\/outflow>/);
    expect(xml).toContain('<flow name="deaths" leak_start="0.25" leak_end="0.75">');
    expect(xml).toContain('<arrest>if TIME &gt;= 6 and TIME &lt; 7 then 1 else 0</arrest>');
    expect(numbers(runXmile(xml).result)).toEqual(numbers(simulate(compileSource(source).model!)));
  });

  test('leakages as Stella and the spec write them: a second outflow with its fraction as <eqn>, or <leak>fraction</leak>', () => {
    const plain = runXmile(xmile('<outflow>out_f</outflow><outflow>loss</outflow><conveyor><len>2</len></conveyor>', '<flow name="out_f"/><flow name="loss"><eqn>0.5</eqn></flow>')).result;
    const valued = runXmile(xmile('<outflow>out_f</outflow><outflow>loss</outflow><conveyor><len>2</len></conveyor>', '<flow name="out_f"/><flow name="loss"><leak>0.5</leak></flow>')).result;
    expect(numbers(valued)).toEqual(numbers(plain));
    expect(Array.from(plain.series.find((s) => s.name === 'out_f')!.values)).toEqual([0, 0, 0, 5, 0, 0, 0, 0, 0]);
    expect(Array.from(plain.series.find((s) => s.name === 'loss')!.values)).toEqual([0, 0, 2.5, 2.5, 0, 0, 0, 0, 0]);
  });

  test('the exit flow is computed by the conveyor: an equation it has in the file is not used, and we say so', () => {
    const { result, warnings } = runXmile(xmile('<outflow>out_f</outflow><conveyor><len>2</len></conveyor>', '<flow name="out_f"><eqn>belt/2</eqn></flow>'));
    expect(warnings).toEqual(['"out_f" is what reaches the end of conveyor "belt", which computes it: its equation in the file is not used (as in Stella).']);
    expect(Array.from(result.series.find((s) => s.name === 'out_f')!.values)).toEqual([0, 0, 0, 10, 0, 0, 0, 0, 0]);
  });

  test('options we do not simulate are warnings, never silently different numbers', () => {
    const { warnings } = runXmile(
      xmile('<outflow>out_f</outflow><outflow>loss</outflow><conveyor discrete="true" batch_integrity="true" one_at_a_time="true"><len>2</len></conveyor>', '<flow name="out_f"/><flow name="loss"><eqn>0.1</eqn><leak/><leak_integers/></flow>'),
    );
    expect(warnings).toEqual([
      'Conveyor "belt" is a discrete conveyor (moving whole batches); it runs here as a continuous one, so its numbers can differ from Stella\'s.',
      'Conveyor "belt" is taking only whole batches from the queue before it; here it takes parts of batches too, so its numbers can differ from Stella\'s.',
      'Conveyor "belt" is taking one batch per time step from the queue before it; here it takes as many as it has room for, so its numbers can differ from Stella\'s.',
      'Leakage "loss" leaks whole units only in the file; here it leaks fractions of them too, so its numbers can differ from Stella\'s.',
    ]);
  });

  test('a conveyor without <len>, and a leakage without a fraction, are errors with their positions', () => {
    const imported = importXmile(xmile('<outflow>out_f</outflow><outflow>loss</outflow><conveyor><capacity>3</capacity></conveyor>', '<flow name="out_f"/><flow name="loss"><leak/></flow>'), 'bad.stmx');
    const compiled = compileAst(imported.ast, imported.diagnostics);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.message])).toEqual([
      [6, 'Conveyor "belt" has 2 outflows that are not leakages ("out_f", "loss"); it has one outflow at the end of the belt. Give the others a "leak fraction:" or a "leak rate:".'],
      [6, 'Conveyor "belt" needs a transit time (how long what enters stays on it): add a line such as  transit time: 6'],
      [8, 'Leakage "loss" has no leak fraction: give it an <eqn> (the fraction of what enters the conveyor that leaks).'],
    ]);
  });
});
