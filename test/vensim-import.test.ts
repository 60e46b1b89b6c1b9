import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { compileAst, formatDiagnostic, importVensim, simulate } from '../engine/src/index.js';
import { series } from './helpers.js';

const control = (stop = 4, dt = 1) => `
********************************************************
\t.Control
********************************************************~
\t\tSimulation Control Parameters
\t|

FINAL TIME  = ${stop}
\t~\tMonth
\t~\tThe final time for the simulation.
\t|

INITIAL TIME  = 0
\t~\tMonth
\t~\t|

SAVEPER  = TIME STEP
\t~\tMonth [0,?]
\t~\t|

TIME STEP  = ${dt}
\t~\tMonth [0,?]
\t~\t|

\\\\\\---/// Sketch information - do not modify anything except names
V300  Do not put anything below this section - it will be ignored
*View 1
`;

function imported(mdl: string) {
  const r = importVensim(mdl, 'm.mdl');
  return compileAst(r.ast, r.diagnostics);
}

function run(mdl: string) {
  const c = imported(mdl);
  expect(c.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return { result: simulate(c.model!), compiled: c };
}

describe('Vensim .mdl import', () => {
  test('INTEG stocks take their rate as inflows and outflows; the control section sets the run', () => {
    const { result, compiled } = run(`{UTF-8}
Waiting= INTEG (
\treferrals - assessed,
\t\t10)
\t~\tpeople
\t~\tPeople waiting for an assessment.
\t|

referrals=
\t7 ~\tpeople/Month ~|

assessed=
\tWaiting * 0.5
\t~\tpeople/Month
\t~\t|
${control()}`);
    expect(series(result, 'Waiting')).toEqual([10, 12, 13, 13.5, 13.75]);
    const ast = compiled.model!.checked;
    const waiting = ast.byKey.get('waiting')!;
    expect(waiting.inflows.map((f) => f.name)).toEqual(['referrals']);
    expect(waiting.outflows.map((f) => f.name)).toEqual(['assessed']);
    expect(waiting.doc).toBe('People waiting for an assessment.');
    expect(compiled.model!.ir.sim).toMatchObject({ start: 0, stop: 4, dt: 1, saveEvery: 1, timeUnit: 'Month' });
  });

  test('a rate that is not a sum of flows becomes a flow of its own', () => {
    const { result } = run(`S= INTEG (-S * 0.5 + 1, 4) ~~|\n${control(2)}`);
    expect(series(result, 'S')).toEqual([4, 3, 2.5]);
    expect(series(result, 'S net flow')).toEqual([-1, -0.5, -0.25]);
  });

  test('Vensim functions map to their meaning', () => {
    const { result } = run(`p= PULSE(1, 2) ~~|
train= PULSE TRAIN(1, 1, 2, 4) ~~|
single= PULSE TRAIN(1, 2, 0, 4)
	~	~	A "quoted" word and an odd " quote in the documentation.
	|
trunc= INTEGER(-2.5) ~~|
m= MODULO(-7, 3) ~~|
x= XIDZ(1, 0, 5) + ZIDZ(1, 0) ~~|
logic= IF THEN ELSE(Time > 1 :AND: :NOT: Time > 3, 1, 0) ~~|
long name with spaces= 3 + \\
\t4 ~~|
sm= SMOOTH(10, 2) ~~|
q= QUANTUM(7, 3) ~~|
later= GET TIME VALUE(0, 2, 0) ~~|
${control()}`);
    expect(series(result, 'p')).toEqual([0, 1, 1, 0, 0]);
    expect(series(result, 'train')).toEqual([0, 1, 0, 1, 0]);
    expect(series(result, 'single')).toEqual([0, 1, 1, 0, 0]);
    expect(series(result, 'trunc')[0]).toBe(-2);
    expect(series(result, 'm')[0]).toBe(-1);
    expect(series(result, 'x')[0]).toBe(5);
    expect(series(result, 'logic')).toEqual([0, 0, 1, 1, 0]);
    expect(series(result, 'long name with spaces')[0]).toBe(7);
    expect(series(result, 'sm')[0]).toBe(10);
    expect(series(result, 'q')[0]).toBe(6);
    expect(series(result, 'later')).toEqual([2, 3, 4, 5, 6]);
  });

  test('subscript ranges (named, numeric, equivalent), value tables, partial definitions and subranges', () => {
    const mdl = `Region:
\tNorth, South, East ~~|
Band: (b1-b3) ~~|
Other <-> Region ~~|
Coast: North, East ~~|
table[Region, Band]= 1, 2, 3; 4, 5, 6; 7, 8, 9 ~~|
copy[Other]= table[Other, b2] ~~|
partial[North]= 1 ~~|
partial[East]= 2 ~~|
coastal total= SUM(table[Coast!, b1]) ~~|
position[Band]= Band ~~|
${control(1)}`;
    const { result, compiled } = run(mdl);
    expect(series(result, 'table[South,b3]')[0]).toBe(6);
    expect(series(result, 'copy[East]')[0]).toBe(8);
    expect(series(result, 'partial[South]')[0]).toBe(0);
    expect(series(result, 'coastal total')[0]).toBe(1 + 7);
    expect(series(result, 'position[b3]')[0]).toBe(3);
    expect(compiled.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message)).toContain('"partial" has no equation for [South]; as in Vensim, those elements are 0.');
  });

  test('lookups: definitions, calls and WITH LOOKUP', () => {
    const { result } = run(`effect(
\t[(0,0)-(10,10)],(0,0),(1,10),(2,\\
\t\t15)) ~~|
used= effect(Time / 2) ~~|
inline= WITH LOOKUP(Time, ([(0,0)-(4,4)],(0,4),(4,0))) ~~|
${control()}`);
    expect(series(result, 'used')).toEqual([0, 5, 10, 12.5, 15]);
    expect(series(result, 'inline')).toEqual([4, 3, 2, 1, 0]);
  });

  test('macros: each call gets its own copy of the macro, stocks included', () => {
    const { result } = run(`:MACRO: ACCUMULATE(input, start)
ACCUMULATE = INTEG(input, start)
	~	input ~ a macro with a stock |
:END OF MACRO:
a= ACCUMULATE(1, 0) ~~|
b= ACCUMULATE(2, 10) + ACCUMULATE(a, 0) ~~|
${control(3)}`);
    expect(series(result, 'a')).toEqual([0, 1, 2, 3]);
    // 10 + 2t  plus the running total of a (0, 0, 1, 3)
    expect(series(result, 'b')).toEqual([10, 12, 15, 19]);
  });

  test('lookups defined per element and called with subscripts', () => {
    const { result } = run(`Band: young, old ~~|
effect[young]( (0,0),(10,10) ) ~~|
effect[old]( (0,0),(10,20) ) ~~|
both[Band]= effect[Band](5) ~~|
one= effect[old](2.5) ~~|
${control(1)}`);
    expect([series(result, 'both[young]')[0], series(result, 'both[old]')[0], series(result, 'one')[0]]).toEqual([5, 10, 5]);
  });

  test('problems are reported with the line and column in the .mdl file, each once', () => {
    const r = importVensim(`{UTF-8}\na= 1 +\n\t~~|\nb= (2 ~~|\nc= MYSTERY(1) ~~|\n${control()}`, 'bad.mdl');
    const compiled = compileAst(r.ast, r.diagnostics);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.column, d.message])).toEqual([
      [3, 2, 'The equation is incomplete.'],
      [4, 7, 'Expected ")" in the equation.'],
      [5, 4, 'Unknown function "MYSTERY".'],
    ]);
  });

  test('the teacup sample matches its canonical output', async () => {
    const text = await readFile('../shared/test-models/samples/teacup/teacup.mdl', 'utf8');
    const { result } = run(text);
    expect(series(result, 'Teacup Temperature').at(-1)).toBeCloseTo(75.374, 3);
  });
});

describe('Vensim fuzzing', () => {
  test('2400 mutated .mdl files: errors or a run, never an exception', async () => {
    let a = 77;
    const r = (): number => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      return a / 4294967296;
    };
    const seeds = ['samples/teacup/teacup.mdl', 'tests/subscript_2d_arrays/test_subscript_2d_arrays.mdl', 'tests/lookups/test_lookups.mdl', 'tests/delay_fixed/test_delay_fixed.mdl', 'tests/allocate_by_priority/test_allocate_by_priority.mdl', 'tests/invert_matrix/test_invert_matrix.mdl'];
    const inserts = ['|', '~', '[', '(', ')', ':', ':AND:', '"', 'INTEG(', '\\\n', '{', '1e999', 'WITH LOOKUP(', ',', ';', '<->', ':EXCEPT:', 'VECTOR RANK(', 'VECTOR ELM MAP(x[', 'INVERT MATRIX(', '!', ':RAW:'];
    let count = 0;
    for (const file of seeds) {
      const original = await readFile(`../shared/test-models/${file}`, 'utf8');
      for (let n = 0; n < 400; n++) {
        const at = Math.floor(r() * original.length);
        const text = r() < 0.3 ? original.slice(0, at) : original.slice(0, at) + inserts[Math.floor(r() * inserts.length)]! + original.slice(at + Math.floor(r() * 20));
        const compiled = imported(text);
        if (compiled.model) simulate(compiled.model);
        else expect(compiled.diagnostics.some((d) => d.severity === 'error' && d.line >= 1)).toBe(true);
        count++;
      }
    }
    expect(count).toBe(2400);
  }, 300_000);
});
