import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  analyse,
  applyEdits,
  completions,
  cwmMonarchLanguage,
  definition,
  hover,
  quickFixes,
  unitNames,
  type Analysis,
  type CompletionItem,
} from '../renderer/src/editor/language-service.js';
import { AnalysisClient, type AnalysisRequest, type AnalysisResponse, type WorkerLike } from '../renderer/src/editor/analysis-client.js';

const RESIDENTIAL = readFileSync(fileURLToPath(new URL('../resources/models/residential-care.cwm', import.meta.url)), 'utf8');
const INTERMEDIATE = readFileSync(fileURLToPath(new URL('../resources/models/intermediate-care.cwm', import.meta.url)), 'utf8');

/** 1-based line and column of the `nth` occurrence of `needle` (plus `shift` characters). */
function find(text: string, needle: string, shift = 0, nth = 0): { line: number; column: number } {
  let at = -1;
  for (let k = 0; k <= nth; k++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" not found`);
  }
  const offset = at + shift;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The text with `|` removed, and the position where it was. */
function cursor(marked: string): { text: string; line: number; column: number } {
  const { line, column } = find(marked, '|');
  return { text: marked.replace('|', ''), line, column };
}

function complete(marked: string, analysis?: Analysis): CompletionItem[] {
  const c = cursor(marked);
  return completions(analysis ?? analyse(c.text), c.text, c.line, c.column);
}

function errors(a: Analysis): string[] {
  return a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.message}`);
}

/** Applies the first quick fix offered for the first error with this code. */
function fixFirst(text: string, code: string, title?: RegExp): string {
  const a = analyse(text);
  const d = a.diagnostics.find((x) => x.code === code);
  if (!d) throw new Error(`no ${code} diagnostic in ${errors(a).join('; ')}`);
  const fixes = quickFixes(a, d, text);
  // Monaco markers carry no `variable`: the fixes must be the same from the position alone.
  const { variable: _variable, ...asMarker } = d;
  expect(quickFixes(a, asMarker, text)).toEqual(fixes);
  const fix = title ? fixes.find((f) => title.test(f.title)) : fixes[0];
  if (!fix) throw new Error(`no fix for: ${d.message} (offered: ${fixes.map((f) => f.title).join(', ')})`);
  return applyEdits(text, fix.edits);
}

const SMALL = `simulation
  start: 0
  stop: 10
  time unit: week

dimension Band: young, mid, old

stock Waiting [people] = 10
  inflow: Arrivals
  outflow: Treated
  doc: "People on the waiting list."

flow Arrivals [people/week] = 5
flow Treated [people/week] = Waiting / "Time to treat"
const "Time to treat" [weeks] = 4
  doc: "Average wait before treatment."
const share[Band] [1] = 0.2, 0.3, 0.5
aux "Waiting by band"[Band] [people] = Waiting * share
`;

describe('analyse', () => {
  it('checks the example models clean and lists their variables, dimensions and units', () => {
    const a = analyse(RESIDENTIAL, 'residential-care.cwm');
    expect(errors(a)).toEqual([]);
    expect(a.title).toBe('Residential care for older people');
    const older = a.symbols.find((s) => s.name === 'Older population')!;
    expect(older).toMatchObject({ kind: 'stock', units: 'people', dimensions: ['AgeBand'], inflows: ['ageing in'], outflows: ['ageing on', 'population deaths'] });
    expect(older.doc).toContain('Residents aged 65 and over');
    expect(older.equation).toBe('21000, 13500, 5200');
    expect(older.firstLine).toBe('stock "Older population"[AgeBand] [people] = 21000, 13500, 5200');
    const at = find(RESIDENTIAL, '"Older population"[AgeBand] [people]');
    expect(older.range).toEqual({ line: at.line, column: at.column, endLine: at.line, endColumn: at.column + '"Older population"'.length });
    expect(older.declarationRange.line).toBe(at.line);
    expect(older.declarationRange.endLine).toBe(find(RESIDENTIAL, 'doc: "Residents aged 65').line);
    // The definition shown in hovers leaves the documentation out.
    expect(older.definition).toContain('outflow: "ageing on", "population deaths"');
    expect(older.definition).not.toContain('Residents aged');

    const ageingIn = a.symbols.find((s) => s.name === 'ageing in')!;
    expect(ageingIn.elementEquations).toEqual(['[65-74] = 2600', '[75-84] = "ageing on"[65-74]', '[85+] = "ageing on"[75-84]']);
    expect(a.dimensions).toEqual([
      expect.objectContaining({ name: 'AgeBand', elements: ['65-74', '75-84', '85+'], doc: 'Age bands used by the population projections.', range: expect.objectContaining(find(RESIDENTIAL, 'AgeBand:')) }),
    ]);
    expect(a.units).toEqual(expect.arrayContaining(['people', 'year', 'years', 'GBP', 'person', 'week', 'places']));
    expect(a.timeUnit).toBe('year');

    expect(errors(analyse(INTERMEDIATE))).toEqual([]);
  });

  it('is plain JSON, so the worker can post it as it is', () => {
    const a = analyse(RESIDENTIAL);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('reports a misspelt name at its line and column, with the suggestion', () => {
    const text = RESIDENTIAL.replace('"People in residential care" / "Average length of stay"', '"People in residential care" / "Average lenght of stay"');
    const a = analyse(text);
    const at = find(text, '"Average lenght of stay"');
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({
        code: 'unknown-name',
        line: at.line,
        column: at.column,
        endLine: at.line,
        endColumn: at.column + '"Average lenght of stay"'.length,
        message: expect.stringContaining('Did you mean "Average length of stay"?'),
      }),
    ]);
  });

  it('reports syntax errors, unit warnings and algebraic loops', () => {
    const text = 'aux a = b\naux b = a + 1\naux c [people] = 1\naux d [weeks] = c + 1\naux e = (1 + 2\n';
    const a = analyse(text);
    const loop = a.diagnostics.find((d) => d.code === 'algebraic-loop');
    expect(loop?.line).toBe(1);
    const syntax = a.diagnostics.find((d) => d.code === 'syntax')!;
    expect(syntax.line).toBe(5);
    expect(syntax.column).toBe('aux e = (1 + 2'.length + 1);
    // The loop is found while the syntax error is still there, and lowering a model with errors never fails.
    expect(a.diagnostics.map((d) => d.code).sort()).toEqual(['algebraic-loop', 'syntax', 'units']);

    const units = analyse('aux c [people] = 1\naux d [weeks] = c\n');
    expect(errors(units)).toEqual([]);
    expect(units.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'units', line: 2 })]);
  });

  it('splits units into names', () => {
    expect(unitNames('GBP/(person*week)')).toEqual(['GBP', 'person', 'week']);
    expect(unitNames('home care hours per week')).toEqual(['home care hours', 'week']);
    expect(unitNames('1/year')).toEqual(['year']);
  });
});

describe('completions', () => {
  const residential = analyse(RESIDENTIAL);
  const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label);

  it('offers variables (quoted when needed), builtins and clock values in an equation', () => {
    const marked = RESIDENTIAL.replace('aux Occupancy [people/places] = "People in residential care" / "Places commissioned"', 'aux Occupancy [people/places] = "People in residential care" / Pla|');
    const items = complete(marked, residential);
    const places = items.find((i) => i.label === 'Places commissioned')!;
    expect(places).toMatchObject({ kind: 'variable', insertText: '"Places commissioned"', detail: 'const [places]' });
    // The word typed so far is replaced.
    const c = cursor(marked);
    expect(places.range).toEqual({ line: c.line, column: c.column - 3, endLine: c.line, endColumn: c.column });
    expect(items.find((i) => i.label === 'Occupancy')!.insertText).toBe('Occupancy');
    const smth = items.find((i) => i.label === 'SMTH1')!;
    expect(smth).toMatchObject({ kind: 'function', snippet: true, detail: 'SMTH1(input, averaging time [, initial])', insertText: 'SMTH1(${1:input}, ${2:averaging time})' });
    expect(items.find((i) => i.label === 'IF_THEN_ELSE')!.insertText).toBe('IF_THEN_ELSE(${1:condition}, ${2:a}, ${3:b})');
    expect(labels(items)).toEqual(expect.arrayContaining(['TIME', 'DT', 'SUM', 'if', 'Admissions', 'Older population']));
    expect(labels(items)).not.toContain('stock');
    expect(labels(items)).not.toContain('people');
  });

  it('offers variables inside a quote, replacing from the quote through the auto-closed quote', () => {
    const marked = 'aux x [people] = 1\naux "Total here" = 2\naux y = x + "Tot|"\n';
    const items = complete(marked);
    const total = items.find((i) => i.label === 'Total here')!;
    expect(total.insertText).toBe('"Total here"');
    expect(total.filterText).toBe('"Total here"');
    const c = cursor(marked);
    expect(total.range).toEqual({ line: 3, column: c.column - 4, endLine: 3, endColumn: c.column + 1 });
    // No builtins inside a quoted name.
    expect(labels(items)).not.toContain('SUM');
  });

  it('offers unit names inside the units brackets of a declaration', () => {
    const marked = RESIDENTIAL.replace('const "Places commissioned" [places] = 1300', 'const "Places commissioned" [pla|] = 1300');
    const items = complete(marked, residential);
    expect(items.every((i) => i.kind === 'unit')).toBe(true);
    expect(labels(items)).toEqual(expect.arrayContaining(['places', 'people', 'GBP', 'week', 'year']));
    const c = cursor(marked);
    expect(items.find((i) => i.label === 'places')!.range).toEqual({ line: c.line, column: c.column - 3, endLine: c.line, endColumn: c.column });
    // After a "/" in the units, still units.
    expect(labels(complete('aux a [people/|] = 1\n'))).toContain('week');
  });

  it('offers dimension names in a declaration\'s dimension brackets and elements in subscripts', () => {
    expect(labels(complete(`${SMALL}aux extra[|] = 1\n`))).toEqual(['Band']);
    const sub = complete(`${SMALL}aux pick = "Waiting by band"[|]\n`);
    expect(labels(sub)).toEqual(['young', 'mid', 'old', 'Band', '*']);
    expect(sub.find((i) => i.label === 'mid')).toMatchObject({ kind: 'element', detail: 'element 2 of Band' });
    // The second subscript of a two-dimensional array is over its second dimension.
    const two = `dimension A: a1, a2\ndimension B: b1, b2, b3\nconst m[A, B] = 1, 2, 3; 4, 5, 6\naux p = m[a1, |]\n`;
    expect(labels(complete(two))).toEqual(['b1', 'b2', 'b3', 'B', '*']);
    // An element equation under an arrayed variable offers that variable's elements.
    const elementLine = RESIDENTIAL.replace('  [85+] = 0\n', '  [8|] = 0\n');
    const items = complete(elementLine, residential);
    expect(labels(items)).toEqual(['65-74', '75-84', '85+']);
    const c = cursor(elementLine);
    expect(items[2]!.range).toEqual({ line: c.line, column: c.column - 1, endLine: c.line, endColumn: c.column });
  });

  it('offers statement keywords and the properties of the statement above at the start of a line', () => {
    const stock = complete('stock s [people] = 1\n  |\n');
    expect(labels(stock)).toEqual(expect.arrayContaining(['inflow:', 'outflow:', 'non-negative', 'doc:', 'stock', 'flow', 'aux', 'const', 'graph', 'dimension', 'model', 'simulation']));
    expect(stock.find((i) => i.label === 'inflow:')!.insertText).toBe('inflow: ');
    const graph = complete('graph g [1] = TIME\n  p|\n');
    expect(labels(graph)).toEqual(expect.arrayContaining(['points:', 'x:', 'y:', 'interpolation:']));
    expect(labels(graph)).not.toContain('inflow:');
    const sim = complete('simulation\n  start: 0\n  |\n');
    expect(labels(sim)).toEqual(expect.arrayContaining(['stop:', 'dt:', 'save every:', 'method:', 'time unit:', 'seed:', 'stop at:']));
    // The line after a dimension's elements (ending "85+") is a new statement, not a continued equation.
    expect(labels(complete('dimension AgeBand: 65-74, 85+\n|'))).toContain('stock');
    // A wrapped equation continues with names.
    expect(labels(complete('aux a = 1\naux b = a +\n  |\n'))).toContain('a');
  });

  it('offers flows after inflow:, methods after method: and nothing in comments or documentation', () => {
    const flows = complete(SMALL.replace('  inflow: Arrivals', '  inflow: |'));
    expect(labels(flows).sort()).toEqual(['Arrivals', 'Treated']);
    expect(labels(complete('simulation\n  method: |\n'))).toEqual(['euler', 'rk2', 'rk4']);
    expect(labels(complete('simulation\n  time unit: w|\n'))).toContain('week');
    expect(complete('aux a = 1  # a comment about |\n')).toEqual([]);
    expect(complete('aux a = 1\n  doc: "some |"\n')).toEqual([]);
    expect(complete('model "M"\n  doc: """\n    about the |\n    """\n')).toEqual([]);
    expect(complete('aux |')).toEqual([]); // a new name: nothing to suggest
  });

  it('works on an empty model and outside the text', () => {
    const empty = complete('|');
    expect(labels(empty.filter((i) => i.kind !== 'snippet'))).toEqual(['stock', 'flow', 'aux', 'const', 'graph', 'dimension', 'simulation', 'model']);
    expect(empty.filter((i) => i.kind === 'snippet').length).toBeGreaterThan(0);
    const a = analyse('aux a = 1');
    expect(completions(a, 'aux a = 1', 5, 1).map((i) => i.label)).toContain('stock');
    expect(hover(a, 'aux a = 1', 9, 9)).toBeUndefined();
    expect(definition(a, 'aux a = 1', 1, 99)).toBeUndefined();
  });
});

describe('hover', () => {
  const a = analyse(RESIDENTIAL);

  it('shows a variable\'s kind, units, definition and documentation where it is used', () => {
    const at = find(RESIDENTIAL, '"Average length of stay"', 3, 1); // the use in "Leaving care"
    const h = hover(a, RESIDENTIAL, at.line, at.column)!;
    expect(h.markdown).toContain('**const** `Average length of stay`');
    expect(h.markdown).toContain('Units: `years`');
    expect(h.markdown).toContain('const "Average length of stay" [years] = 2.3');
    expect(h.markdown).toContain('Average time a resident stays in long-term residential care.');
    expect(h.range).toEqual({ line: at.line, column: at.column - 3, endLine: at.line, endColumn: at.column - 3 + '"Average length of stay"'.length });
  });

  it('describes builtins, units, dimensions and elements', () => {
    const sum = find(RESIDENTIAL, 'SUM("Older population"[*])', 1);
    expect(hover(a, RESIDENTIAL, sum.line, sum.column)!.markdown).toContain('`SUM(array[*])`');
    const unit = find(RESIDENTIAL, '[places] = 1300', 2);
    const u = hover(a, RESIDENTIAL, unit.line, unit.column)!;
    expect(u.markdown).toContain('**unit** `places`');
    expect(u.markdown).toContain('Places commissioned');
    const el = find(RESIDENTIAL, '"Older population"[85+]', '"Older population"['.length + 1);
    const e = hover(a, RESIDENTIAL, el.line, el.column)!;
    expect(e.markdown).toContain('**element** `85+` of dimension `AgeBand` (3 of 3)');
    expect(e.range).toEqual({ line: el.line, column: el.column - 1, endLine: el.line, endColumn: el.column + 2 });
    const dim = find(RESIDENTIAL, '"mortality rate"[AgeBand]', '"mortality rate"['.length);
    const d = hover(a, RESIDENTIAL, dim.line, dim.column)!;
    expect(d.markdown).toContain('**dimension** `AgeBand`: 65-74, 75-84, 85+');
    expect(d.markdown).toContain('Age bands used by the population projections.');
    const kw = find(RESIDENTIAL, 'graph "Admission pressure"');
    expect(hover(a, RESIDENTIAL, kw.line, kw.column)!.markdown).toContain('graphical function');
  });

  it('says nothing over comments and documentation text', () => {
    const comment = find(RESIDENTIAL, 'An ageing 85+ population', 4);
    expect(hover(a, RESIDENTIAL, comment.line, comment.column)).toBeUndefined();
    const doc = find(RESIDENTIAL, 'People moving up to the next age band', 2);
    expect(hover(a, RESIDENTIAL, doc.line, doc.column)).toBeUndefined();
  });
});

describe('definition', () => {
  const a = analyse(RESIDENTIAL);

  it('goes from a use to the declaring name', () => {
    const use = find(RESIDENTIAL, '"Places commissioned"', 5, 1);
    const decl = find(RESIDENTIAL, 'const "Places commissioned"', 'const '.length);
    expect(definition(a, RESIDENTIAL, use.line, use.column)).toEqual({ line: decl.line, column: decl.column, endLine: decl.line, endColumn: decl.column + '"Places commissioned"'.length });
    // An unquoted name, with the caret just after it.
    const occ = find(RESIDENTIAL, '= Occupancy', '= Occupancy'.length);
    expect(definition(a, RESIDENTIAL, occ.line, occ.column)?.line).toBe(find(RESIDENTIAL, 'aux Occupancy').line);
    // A flow listed under its stock.
    const inflow = find(RESIDENTIAL, 'inflow: Admissions', 'inflow: '.length + 2);
    expect(definition(a, RESIDENTIAL, inflow.line, inflow.column)?.line).toBe(find(RESIDENTIAL, 'flow Admissions').line);
  });

  it('goes from a dimension in brackets to the dimension', () => {
    const use = find(RESIDENTIAL, '"years in band"[AgeBand]', '"years in band"['.length + 2);
    expect(definition(a, RESIDENTIAL, use.line, use.column)).toEqual({ ...find(RESIDENTIAL, 'AgeBand:'), endLine: find(RESIDENTIAL, 'AgeBand:').line, endColumn: find(RESIDENTIAL, 'AgeBand:').column + 'AgeBand'.length });
  });

  it('finds nothing for builtins, numbers and unknown names', () => {
    const sum = find(RESIDENTIAL, 'SUM(', 1);
    expect(definition(a, RESIDENTIAL, sum.line, sum.column)).toBeUndefined();
    const num = find(RESIDENTIAL, '= 1300', 3);
    expect(definition(a, RESIDENTIAL, num.line, num.column)).toBeUndefined();
  });
});

describe('quick fixes', () => {
  it('turns a misspelt name into the suggested one, and the model checks clean', () => {
    const text = RESIDENTIAL.replace('"People in residential care" / "Average length of stay"', '"People in residential care" / "Average lenght of stay"');
    expect(errors(analyse(text))).toHaveLength(1);
    const fixed = fixFirst(text, 'unknown-name', /Change to/);
    expect(fixed).toBe(RESIDENTIAL);
    expect(errors(analyse(fixed))).toEqual([]);
  });

  it('offers a did-you-mean for a plain misspelt name and for functions and elements', () => {
    const text = 'aux "Length of stay" [weeks] = 3\naux b [weeks] = Length_of_sty * 2\n';
    expect(fixFirst(text, 'unknown-name', /Change to/)).toBe('aux "Length of stay" [weeks] = 3\naux b [weeks] = "Length of stay" * 2\n');
    const fn = fixFirst('aux a = SQRTT(4)\n', 'unknown-function');
    expect(fn).toBe('aux a = SQRT(4)\n');
    expect(errors(analyse(fn))).toEqual([]);
    const vensim = fixFirst('aux a = 1\naux b = SMOOTH(a, 2)\n', 'unknown-function');
    expect(vensim).toBe('aux a = 1\naux b = SMTH1(a, 2)\n');
    const element = fixFirst(RESIDENTIAL.replace('"Older population"[85+]', '"Older population"[86+]'), 'unknown-element');
    expect(errors(analyse(element))).toEqual([]);
    expect(element).toBe(RESIDENTIAL);
  });

  it('declares a missing variable after the declaration that uses it', () => {
    const text = 'aux a [people] = b * 2\n\naux c = 1\n';
    const fixed = fixFirst(text, 'unknown-name', /Declare/);
    expect(fixed).toBe('aux a [people] = b * 2\n\naux b = 0\n\naux c = 1\n');
    expect(errors(analyse(fixed))).toEqual([]);
    const quoted = fixFirst('aux a = "New thing" + 1\n', 'unknown-name', /Declare/);
    expect(quoted).toBe('aux a = "New thing" + 1\n\naux "New thing" = 0\n');
    expect(errors(analyse(quoted))).toEqual([]);
  });

  it('declares a missing flow of a stock with matching dimensions and units', () => {
    const text = SMALL.replace('  outflow: Treated\n', '  outflow: Treated, Leavers\n');
    const fixed = fixFirst(text, 'unknown-name', /Declare flow/);
    expect(fixed).toContain('  doc: "People on the waiting list."\n\nflow Leavers [people/week] = 0\n');
    expect(errors(analyse(fixed))).toEqual([]);
  });

  it('adds a missing equation, quotes a name with spaces and turns a changing const into an aux', () => {
    const missing = fixFirst('aux a [people]\naux b = a\n', 'missing-equation');
    expect(missing).toBe('aux a [people] = 0\naux b = a\n');
    expect(errors(analyse(missing))).toEqual([]);
    const arrayed = fixFirst(`${SMALL}aux z[Band]\n`, 'missing-equation');
    expect(arrayed.endsWith('aux z[Band] = 0\n')).toBe(true);

    const spaced = fixFirst('aux x = 1\nstock s = 0\n  inflow: ageing in\nflow "ageing in" = x\n', 'syntax');
    expect(spaced).toBe('aux x = 1\nstock s = 0\n  inflow: "ageing in"\nflow "ageing in" = x\n');
    expect(errors(analyse(spaced))).toEqual([]);
    const words = fixFirst('const "length of stay" = 3\naux a = length of stay * 2\n', 'syntax');
    expect(words).toBe('const "length of stay" = 3\naux a = "length of stay" * 2\n');
    expect(errors(analyse(words))).toEqual([]);

    const notConst = fixFirst('const a = TIME * 2\n', 'not-constant');
    expect(notConst).toBe('aux a = TIME * 2\n');
    expect(errors(analyse(notConst))).toEqual([]);
  });

  it('offers nothing where there is no obvious fix', () => {
    const text = 'dimension D: a, b\naux x = D\n';
    const a = analyse(text);
    const d = a.diagnostics.find((x) => x.code === 'unknown-name')!;
    expect(d.message).toContain('is a dimension');
    expect(quickFixes(a, d, text)).toEqual([]);
  });
});

describe('Monarch grammar', () => {
  async function tokenizer() {
    // Monaco's own Monarch compiler and lexer (no DOM needed), loaded by path so tsc does not type them.
    const base = 'monaco-editor/editor/standalone/common/monarch/';
    const { compile } = (await import(`${base}monarchCompile.js`)) as { compile: (id: string, def: unknown) => unknown };
    const { MonarchTokenizer } = (await import(`${base}monarchLexer.js`)) as {
      MonarchTokenizer: new (...args: unknown[]) => {
        getInitialState(): unknown;
        tokenize(line: string, hasEOL: boolean, state: unknown): { tokens: { offset: number; type: string }[]; endState: unknown };
      };
    };
    const config = { getValue: () => 20000, onDidChangeConfiguration: () => ({ dispose() {} }) };
    return new MonarchTokenizer({}, {}, 'cwm', compile('cwm', cwmMonarchLanguage), config);
  }

  /** Each line's tokens as [text, type] pairs. */
  async function tokenizeText(text: string): Promise<[string, string][][]> {
    const t = await tokenizer();
    let state = t.getInitialState();
    const lines = text.split('\n');
    return lines.map((line, n) => {
      const r = t.tokenize(line, n < lines.length - 1, state);
      state = r.endState;
      return r.tokens.map((tok, i) => [line.slice(tok.offset, r.tokens[i + 1]?.offset ?? line.length), tok.type.replace(/\.cwm$/, '')] as [string, string]).filter(([s]) => s.trim() !== '');
    });
  }

  it('highlights keywords, names, dimensions, units, builtins, numbers, comments and documentation', async () => {
    const lines = await tokenizeText(RESIDENTIAL);
    const line = (needle: string): [string, string][] => lines[find(RESIDENTIAL, needle).line - 1]!;
    expect(line('# Residential care for older people')).toEqual([['# Residential care for older people: how many long-term places will we need?', 'comment']]);
    expect(line('stock "Older population"')).toEqual([
      ['stock', 'keyword'],
      ['"Older population"', 'variable.name'],
      ['[', 'delimiter.bracket'],
      ['AgeBand', 'tag'],
      [']', 'delimiter.bracket'],
      ['[', 'delimiter.bracket'],
      ['people', 'type'],
      [']', 'delimiter.bracket'],
      ['=', 'operator'],
      ['21000', 'number'],
      [',', 'delimiter'],
      ['13500', 'number'],
      [',', 'delimiter'],
      ['5200', 'number'],
    ]);
    expect(line('aux "Population 65 plus"')).toEqual(
      expect.arrayContaining([
        ['SUM', 'variable.predefined'],
        ['"Older population"', 'variable'],
        ['*', 'tag'],
      ]),
    );
    expect(line('  doc: "People moving up')).toEqual([
      ['doc', 'key'],
      [':', 'delimiter'],
      ['"People moving up to the next age band."', 'string'],
    ]);
    expect(line('  inflow: Admissions')).toEqual([
      ['inflow', 'key'],
      [':', 'delimiter'],
      ['Admissions', 'variable'],
    ]);
    expect(line('dimension AgeBand')).toEqual([
      ['dimension', 'keyword'],
      ['AgeBand', 'type'],
      [':', 'delimiter'],
      ['65-74', 'tag'],
      [',', 'delimiter'],
      ['75-84', 'tag'],
      [',', 'delimiter'],
      ['85+', 'tag'],
    ]);
    expect(line('[GBP/(person*week)]')).toEqual(expect.arrayContaining([['GBP/(person*week)', 'type']]));
    // The triple-quoted documentation stays text across its lines, and the state ends with it.
    expect(line('A first whole-population model')).toEqual([[expect.stringContaining('A first whole-population model'), 'string']]);
    expect(line('simulation')).toEqual([['simulation', 'keyword']]);
    // A graph head with no "=": the units state ends with the line.
    const graph = await tokenizeText('graph g [1]\n  points: (0, 1), (1, 2)\naux a = g(TIME) mod 2\n');
    expect(graph[1]![0]).toEqual(['points', 'key']);
    expect(graph[2]).toEqual(expect.arrayContaining([['g', 'variable'], ['TIME', 'variable.predefined'], ['mod', 'keyword']]));
  });

  it('recovers at the next line after broken text', async () => {
    const broken = await tokenizeText('aux "unclosed [people = 1\nstock s[Dim [units\naux x = y[1, \naux ok [people] = 1\n');
    expect(broken[0]).toEqual(expect.arrayContaining([['"unclosed [people = 1', 'invalid']]));
    expect(broken[3]).toEqual([
      ['aux', 'keyword'],
      ['ok', 'variable.name'],
      ['[', 'delimiter.bracket'],
      ['people', 'type'],
      [']', 'delimiter.bracket'],
      ['=', 'operator'],
      ['1', 'number'],
    ]);
  });
});

describe('AnalysisClient', () => {
  class FakeWorker implements WorkerLike {
    readonly posted: AnalysisRequest[] = [];
    private readonly listeners: ((event: { data?: unknown }) => void)[] = [];
    terminated = false;
    postMessage(message: AnalysisRequest): void {
      this.posted.push(message);
    }
    addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
      if (type === 'message') this.listeners.push(listener);
    }
    terminate(): void {
      this.terminated = true;
    }
    /** Answers a posted request the way the real worker does. */
    answer(request: AnalysisRequest): void {
      const response: AnalysisResponse = { id: request.id, analysis: analyse(request.text, request.file) };
      for (const l of this.listeners) l({ data: response });
    }
  }

  it('keeps only the answer for the newest text and never queues stale requests', async () => {
    const worker = new FakeWorker();
    const client = new AnalysisClient(worker, 'm.cwm');
    const seen: string[] = [];
    client.onAnalysis((_a, text) => seen.push(text));
    const first = client.update('aux a = 1\n');
    const second = client.update('aux a = 2\n');
    const third = client.update('aux a = zz\n');
    // One request at a time: the second was replaced by the third before it was sent.
    expect(worker.posted.map((p) => p.text)).toEqual(['aux a = 1\n']);
    expect(await second).toBeUndefined();
    worker.answer(worker.posted[0]!);
    expect(await first).toBeUndefined(); // stale: newer text is waiting
    expect(client.latest).toBeUndefined();
    expect(worker.posted.map((p) => p.text)).toEqual(['aux a = 1\n', 'aux a = zz\n']);
    expect(worker.posted[1]!.file).toBe('m.cwm');
    worker.answer(worker.posted[1]!);
    const latest = await third;
    expect(latest?.diagnostics.map((d) => d.code)).toEqual(['unknown-name']);
    expect(client.latest).toBe(latest);
    expect(client.latestText).toBe('aux a = zz\n');
    expect(seen).toEqual(['aux a = zz\n']);
    // An answer nobody is waiting for is ignored.
    worker.answer({ id: 99, text: 'aux a = 3\n' });
    expect(client.latestText).toBe('aux a = zz\n');
    client.dispose();
    expect(worker.terminated).toBe(true);
  });
});
