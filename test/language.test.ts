import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseModel, simulate } from '../engine/src/index.js';
import { compile, series } from './helpers.js';

const value = (equation: string): number => series(simulate(compile(`aux x = ${equation}`)), 'x')[0]!;

describe('expressions', () => {
  test('precedence and associativity', () => {
    expect(value('2 + 3 * 4')).toBe(14);
    expect(value('(2 + 3) * 4')).toBe(20);
    expect(value('2 ^ 3 ^ 2')).toBe(512);
    expect(value('-2 ^ 2')).toBe(-4);
    expect(value('10 - 4 - 3')).toBe(3);
    expect(value('12 / 3 / 2')).toBe(2);
    expect(value('7 mod 3 * 2')).toBe(2);
    expect(value('1 + 2 < 4 and 2 = 2')).toBe(1);
    expect(value('not (1 < 0) or 0')).toBe(1);
    // As in XMILE, NOT binds like unary minus, tighter than comparisons: (not 1) < 0.
    expect(value('not 1 < 0')).toBe(0);
    expect(value('if 1 > 2 then 10 else if 2 > 1 then 20 else 30')).toBe(20);
    expect(value('3 <> 3')).toBe(0);
    expect(value('3 != 4')).toBe(1);
    expect(value('3 == 3')).toBe(1);
  });

  test('percentages are exact', () => {
    expect(value('1.8%')).toBe(0.018);
    expect(value('20%')).toBe(0.2);
    expect(value('2.5e1%')).toBe(0.25);
  });

  test('an equation may continue on the next line after an operator or inside brackets', () => {
    const r = simulate(
      compile(`
aux total = 1 +
  2 +
  3
aux call = MAX(
  4,
  5)
`),
    );
    expect(series(r, 'total')[0]).toBe(6);
    expect(series(r, 'call')[0]).toBe(5);
  });
});

describe('names', () => {
  test('case, spaces and underscores do not matter; quotes allow any text', () => {
    const r = simulate(
      compile(`
const "Length of Stay" [weeks] = 6
aux weekly_turnover = 1 / length_of_stay
aux "Beds needed (£)" = "LENGTH   OF STAY" * 2
`),
    );
    expect(series(r, 'weekly turnover')[0]).toBeCloseTo(1 / 6, 15);
    expect(series(r, 'Beds needed (£)')[0]).toBe(12);
  });

  test('several words without quotes in an equation get a hint to quote them', () => {
    const parsed = parseModel('const "length of stay" = 6\naux turnover = 1 / length of stay', 'm.cwm');
    expect(parsed.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [2, 27, `Unexpected 'of' after the equation of "turnover". If you meant the name "length of stay", write it in double quotes (or as length_of_stay).`],
    ]);
  });

  test('documentation, units and comments are kept for the workbench', () => {
    const src = `
# a comment line
model "Care" # trailing comment
  doc: "Model documentation"
const "Weekly fee" [GBP/week] = 850   # comment after an equation
  doc: """
    First line.
      Indented second line.
    """
`;
    const parsed = parseModel(src, 'm.cwm');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.ast.title).toBe('Care');
    expect(parsed.ast.doc).toBe('Model documentation');
    const fee = parsed.ast.variables[0]!;
    expect(fee.doc).toBe('First line.\n  Indented second line.');
    expect(fee.units?.text).toBe('GBP/week');
    const model = compile(src);
    expect(model.ir.variables[0]).toMatchObject({ name: 'Weekly fee', units: 'GBP/week', doc: 'First line.\n  Indented second line.', constant: true });
  });

  test('graphs accept points or x/y lists', () => {
    const r = simulate(
      compile(`
graph a = 0.5
  points: (0, 0), (1, 10)
graph b = 0.5
  x: 0, 1
  y: 0, 10
`),
    );
    expect(series(r, 'a')[0]).toBe(5);
    expect(series(r, 'b')[0]).toBe(5);
  });
});

describe('the example model', () => {
  test('checks without errors or warnings and runs to 2035', () => {
    const model = compile(readFileSync('resources/models/residential-care.cwm', 'utf8'));
    const r = simulate(model);
    expect(r.error).toBeUndefined();
    expect(r.times[0]).toBe(2025);
    expect(r.times.at(-1)).toBe(2035);
    // Conservation: residents change by admissions less leavers (integrated with RK4, quarterly steps).
    const people = series(r, 'People in residential care');
    expect(people[0]).toBe(1150);
    expect(Math.max(...series(r, 'Occupancy'))).toBeLessThan(1.01);
  });
});

// Every example model is checked, run and tested against its documentation in test/examples.test.ts.

describe('the intermediate care example', () => {
  test('checks cleanly; more step-down places mean fewer delayed discharges; costs follow the unit costs', () => {
    const model = compile(readFileSync('resources/models/intermediate-care.cwm', 'utf8'));
    const base = simulate(model);
    const more = simulate(model, { overrides: { 'Intermediate care places': 86 } });
    expect(base.error).toBeUndefined();
    expect(series(more, 'Waiting in hospital').at(-1)!).toBeLessThan(series(base, 'Waiting in hospital').at(-1)! / 2);
    series(base, 'Waiting in hospital').forEach((w, i) => expect(series(base, 'Cost of delays (NHS)')[i]).toBeCloseTo(w * 400 * 7, 6));
    // Occupancy never exceeds the places commissioned.
    for (const occupied of series(base, 'In intermediate care')) expect(occupied).toBeLessThanOrEqual(72 + 1e-9);
  });
});

describe('the engine stays portable', () => {
  test('engine/src imports nothing from Node or the DOM', () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk('engine/src');
    expect(files.length).toBeGreaterThan(15);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const i of imports) expect(i.startsWith('.'), `${f} imports ${i}`).toBe(true);
      // Look at code only: drop comments and string literals, which may well mention "the document".
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
      expect(code, f).not.toMatch(/\b(?:process\.|require\(|window\.|document\.|Buffer\.|globalThis\.(?:process|require))/);
    }
  });
});
