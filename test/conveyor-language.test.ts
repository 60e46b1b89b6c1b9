import { describe, expect, test } from 'vitest';
import { compileSource, parseModel, printModel, simulate } from '../engine/src/index.js';

const model = `simulation
  start: 0
  stop: 20
  dt: 0.5
  time unit: week

stock "Waiting in hospital" [people] = 10
  inflow: "ready for discharge"
  outflow: "admissions to intermediate care", "to care homes"
  queue

stock "Intermediate care" [people] = 40
  inflow: "admissions to intermediate care"
  outflow: discharges, "deaths in intermediate care"
  conveyor
  transit time: "length of stay"
  capacity: places
  inflow limit: 30
  arrest: 0
  sample: 1

flow "ready for discharge" [people/week] = 12

flow "admissions to intermediate care" [people/week]

flow discharges [people/week]

flow "deaths in intermediate care" [people/week]
  leak fraction: 0.05
  leak zone: 0, 0.5

flow "to care homes" [people/week]
  overflow

const "length of stay" [week] = 4

const places [people] = 48
`;

describe('conveyors and queues in the language', () => {
  test('print back exactly as written, and run the same after printing', () => {
    const ast = parseModel(model).ast;
    expect(printModel(ast)).toBe(model);
    const stock = ast.variables.find((v) => v.name.text === 'Intermediate care')!;
    expect(Object.keys(stock.conveyor!).sort()).toEqual(['arrest', 'capacity', 'inflowLimit', 'sample', 'span', 'transitTime']);
    expect(ast.variables.find((v) => v.name.text === 'Waiting in hospital')!.queue).toBeDefined();
    expect(ast.variables.find((v) => v.name.text === 'to care homes')!.overflow).toBeDefined();
    expect(ast.variables.find((v) => v.name.text === 'deaths in intermediate care')!.leak).toMatchObject({ kind: 'fraction', zone: { start: 0, end: 0.5 } });
    const a = simulate(compileSource(model).model!);
    const b = simulate(compileSource(printModel(ast)).model!);
    expect(b.series.map((s) => [...s.values])).toEqual(a.series.map((s) => [...s.values]));
  });

  test('percentages and an exponential leak rate', () => {
    const text = printModel(parseModel('flow deaths [people/week]\n  leak rate: 2%\n  leak zone: 25%, 75%\n').ast);
    expect(text).toBe('flow deaths [people/week]\n  leak rate: 0.02\n  leak zone: 0.25, 0.75\n');
  });

  test('the flag words are property lines only on their own; as names they are still names', () => {
    const parsed = parseModel('stock queue = 1\n  outflow: conveyor\nflow conveyor = queue / 2\n');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.ast.variables[0]!.queue).toBeUndefined();
    expect(simulate(compileSource('stock queue = 1\n  outflow: conveyor\nflow conveyor = queue / 2\n').model!).series[0]!.values[1]).toBe(0.5);
  });
});
