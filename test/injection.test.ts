import { afterEach, describe, expect, test } from 'vitest';
import { compileSource, simulate } from '../engine/src/index.js';
import { compile, series } from './helpers.js';

/**
 * Names, units and documentation are user text. None of it may reach the generated JavaScript:
 * the code generator emits only fixed templates, slot numbers and canonical number literals.
 */
const hostile = String.raw`
model "</script><script>globalThis.pwnedTitle = 1</script>"
  doc: "\"; globalThis.pwnedDoc = 1; //"

simulation
  start: 0
  stop: 3

dimension "Area\"]; globalThis.pwnedDim = 1; //": "North${'$'}{globalThis.pwnedElement = 1}", "South\`; globalThis.pwnedTick = 1; \`"

const "x\"; globalThis.pwnedName = 1; //" [globalThis pwnedUnits per year] = 2
  doc: """
    </script><img src=x onerror="globalThis.pwnedHtml = 1">
    ${'$'}{globalThis.pwnedTemplate = 1} \` backtick \`
    """

stock "}); globalThis.pwnedStock = 1; ({" [people] = 10
  inflow: "flow\\u0022; globalThis.pwnedEscape = 1"

flow "flow\\u0022; globalThis.pwnedEscape = 1" [people/year] = "x\"; globalThis.pwnedName = 1; //" * 1.5

aux "constructor" = 1
aux "__proto__" = 2
aux "toString" = "constructor" + "__proto__"

aux "per area"["Area\"]; globalThis.pwnedDim = 1; //"] = 1
  ["North${'$'}{globalThis.pwnedElement = 1}"] = 7
aux "rank\"; globalThis.pwnedName = 1; //"["Area\"]; globalThis.pwnedDim = 1; //"] = VECTOR_RANK("per area"[*], 1) + ALLOCATE_BY_PRIORITY("per area"[*], "per area"[*], 1, 3) + RANDOM_NORMAL(0, 0, 0, 1)
`;

const flags = ['pwnedTitle', 'pwnedDoc', 'pwnedDim', 'pwnedElement', 'pwnedTick', 'pwnedName', 'pwnedUnits', 'pwnedHtml', 'pwnedTemplate', 'pwnedStock', 'pwnedEscape'];

afterEach(() => {
  for (const f of flags) delete (globalThis as Record<string, unknown>)[f];
});

describe('no user text reaches generated code', () => {
  test('a model full of quotes, backticks, ${}, </script> and JavaScript compiles, runs and executes none of it', () => {
    const model = compile(hostile);
    const result = simulate(model);
    for (const f of flags) expect((globalThis as Record<string, unknown>)[f], f).toBeUndefined();
    // The model still means what it says.
    expect(series(result, '}); globalThis.pwnedStock = 1; ({')).toEqual([10, 13, 16, 19]);
    expect(series(result, 'toString')).toEqual([3, 3, 3, 3]);
    expect(series(result, 'per area[North${globalThis.pwnedElement = 1}]')).toEqual([7, 7, 7, 7]);
    expect(result.series.map((s) => s.name)).toContain('x"; globalThis.pwnedName = 1; //');
  });

  test('the generated source contains no user text and no string literal besides its own', () => {
    const source = compile(hostile, { backend: 'generated' }).source;
    for (const needle of ['pwned', 'script', '`', '${', 'constructor', '__proto__', 'toString', 'people', 'North']) {
      expect(source.includes(needle), needle).toBe(false);
    }
    // Every quote in the program belongs to the fixed 'use strict' directive.
    expect(source.replace("'use strict'", '')).not.toMatch(/["'`]/);
    // Every line is one of the fixed shapes: assignments to slots, calls, declarations, braces, and
    // the whole-run loop's control flow over numbers and its own names.
    const expression = String.raw`[\w\s()[\].,+\-*/<>=!&|?:%]+`;
    const shapes = new RegExp(
      String.raw`^\s*(?:'use strict';|const [\w ,{}=[\].]+;|function \w+\([\w, ]+\) \{|\}|\},|\{|return \{|\};|[\w]+\([\w, ]*\) \{|[\w]+\(${expression}\);|(?:v|d|p|H\[\d+\])\[\w+\] = ${expression};` +
        String.raw`|const \w+ = ${expression};|let [\w ,=]+;|return \w+;|return \{ [\w, ]+ \};|\} else \{|(?:for|if) \(${expression}(?:; ${expression}){0,2}\) (?:\{|${expression}(?:; ${expression})*;|return \w+;|\{ (?:${expression}; )+\}))$`,
    );
    for (const line of source.split('\n')) expect(line, line).toMatch(shapes);
  });

  test('the WebAssembly kernel holds no user text: its only names are its own imports and exports', () => {
    // Vector functions keep their caches in JavaScript: such models get the JavaScript kernel (tested above).
    const withoutVectors = hostile.split('\n').filter((l) => !l.includes('VECTOR_RANK')).join('\n');
    expect(compile(hostile, { backend: 'wasm' }).backend).toBe('generated');
    const model = compile(withoutVectors, { backend: 'wasm' });
    expect(model.backend).toBe('wasm');
    const text = String.fromCharCode(...model.wasm!);
    for (const needle of ['pwned', 'script', 'constructor', '__proto__', 'toString', 'people', 'North', 'Area']) {
      expect(text.includes(needle), needle).toBe(false);
    }
  });

  test('units that are not units are rejected with a clear error, never evaluated', () => {
    const result = compileSource('const x [people ${globalThis.pwnedUnits = 1}] = 1', 'u.cwm');
    expect(result.model).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [1, 9, `The units of "x" cannot be read: The character '{' cannot be used in units. Write units like people/year, £/week or home care hours per week.`],
    ]);
    expect((globalThis as Record<string, unknown>).pwnedUnits).toBeUndefined();
  });

  test('numbers are emitted canonically, including extremes', () => {
    const source = compile(`
const tiny = 1e-300
const huge = 1.7976931348623157e308
const third = 1/3
const negative = -0.5
aux uses = tiny + huge + third + negative
`, { backend: 'generated' }).source;
    expect(source).toContain('1e-300');
    expect(source).toContain('1.7976931348623157e+308');
    expect(source).toContain('(-0.5)');
  });
});
