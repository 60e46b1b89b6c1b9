/**
 * Functions of whole vectors (VECTOR_SORT_ORDER, VECTOR_RANK, VECTOR_REORDER, VECTOR_SELECT,
 * VECTOR_ELM_MAP, ALLOCATE_BY_PRIORITY, INVERT_MATRIX) against values worked out by hand, on both
 * backends; their diagnostics; and the Vensim forms that import to them.
 */
import { describe, expect, test } from 'vitest';
import { compileAst, compileSource, formatDiagnostic, getSeries, importVensim, printModel, simulate } from '../engine/src/index.js';

const SIM = 'simulation\n  start: 0\n  stop: 2\n  dt: 1\n';

/** Runs on both backends (which must agree) and returns each series' values. */
function run(body: string): Record<string, number[]> {
  const out: Record<string, number[]>[] = [];
  for (const backend of ['generated', 'interpreter'] as const) {
    const c = compileSource(SIM + body, 'v.cwm', { backend });
    expect(c.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const r = simulate(c.model!);
    expect(r.error).toBeUndefined();
    out.push(Object.fromEntries(r.series.map((s) => [s.name, Array.from(s.values, (x) => x + 0)])));
  }
  expect(out[0]).toEqual(out[1]);
  return out[0]!;
}

function errors(body: string): string[] {
  return compileSource(SIM + body, 'v.cwm').diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.message}`);
}

const at0 = (r: Record<string, number[]>, names: string[]): number[] => names.map((n) => r[n]![0]!);

describe('vector functions', () => {
  const base = 'dimension Co: a, b, c\ndimension S: s1, s2, s3 -> Co\nconst x[Co] = 30, 10, 20\n';

  test('VECTOR_SORT_ORDER gives 0-based positions in ascending or descending order', () => {
    const r = run(`${base}aux up[S] = VECTOR_SORT_ORDER(x[*], 1)\naux down[S] = VECTOR_SORT_ORDER(x[*], 0)\n`);
    // 10 (b, position 1) < 20 (c, 2) < 30 (a, 0)
    expect(at0(r, ['up[s1]', 'up[s2]', 'up[s3]'])).toEqual([1, 2, 0]);
    expect(at0(r, ['down[s1]', 'down[s2]', 'down[s3]'])).toEqual([0, 2, 1]);
  });

  test('VECTOR_RANK ranks from 1; VECTOR_REORDER takes elements in a given order', () => {
    const r = run(`${base}aux rank[Co] = VECTOR_RANK(x[*], 1)\naux rank_down[Co] = VECTOR_RANK(x[*], -1)\naux order[S] = VECTOR_SORT_ORDER(x[*], 1)\naux sorted[S] = VECTOR_REORDER(x[*], order[*])\n`);
    expect(at0(r, ['rank[a]', 'rank[b]', 'rank[c]'])).toEqual([3, 1, 2]);
    expect(at0(r, ['rank_down[a]', 'rank_down[b]', 'rank_down[c]'])).toEqual([1, 3, 2]);
    expect(at0(r, ['sorted[s1]', 'sorted[s2]', 'sorted[s3]'])).toEqual([10, 20, 30]);
  });

  test('vectors along the last dimension of a two-dimensional array, one per row', () => {
    const r = run(`dimension R: r1, r2\ndimension C: c1, c2, c3\nconst m[R, C] = 3, 1, 2; 5, 6, 4\naux rank[R, C] = VECTOR_RANK(m[R, *], 1)\n`);
    expect(at0(r, ['rank[r1,c1]', 'rank[r1,c2]', 'rank[r1,c3]', 'rank[r2,c1]', 'rank[r2,c2]', 'rank[r2,c3]'])).toEqual([3, 1, 2, 2, 3, 1]);
  });

  test('the result follows an explicit mapping from the equation\'s dimension to the vector\'s', () => {
    const r = run('dimension Co: a, b, c\ndimension S: s1, s2, s3 -> (Co: c, a, b)\nconst x[Co] = 30, 10, 20\naux rank[S] = VECTOR_RANK(x[*], 1)\n');
    // ranks over Co: a 3, b 1, c 2; s1 stands for c, s2 for a, s3 for b
    expect(at0(r, ['rank[s1]', 'rank[s2]', 'rank[s3]'])).toEqual([2, 3, 1]);
  });

  test('VECTOR_SELECT combines the selected values', () => {
    const sel = 'const pick[Co] = 1, 0, 2\nconst none[Co] = 0, 0, 0\n';
    const r = run(`${base}${sel}aux wsum = VECTOR_SELECT(pick[*], x[*], -1, 0, 0)\naux wmax = VECTOR_SELECT(pick[*], x[*], -1, 3, 0)\naux power = VECTOR_SELECT(pick[*], x[*], -1, 5, 0)\naux plain_mean = VECTOR_SELECT(pick[*], x[*], -1, 10, 0)\naux plain_min = VECTOR_SELECT(pick[*], x[*], -1, 8, 0)\naux missing = VECTOR_SELECT(none[*], x[*], -1, 0, 0)\n`);
    // selected: a (weight 1, value 30) and c (weight 2, value 20)
    expect(r['wsum']![0]).toBe(30 + 40);
    expect(r['wmax']![0]).toBe(40);
    expect(r['power']![0]).toBe(30 * 400);
    expect(r['plain_mean']![0]).toBe(25);
    expect(r['plain_min']![0]).toBe(20);
    expect(r['missing']![0]).toBe(-1);
  });

  test('VECTOR_SELECT error actions stop the run when nothing or more than one is selected', () => {
    const c = compileSource(`${SIM}${base}const pick[Co] = 1, 0, 2\naux one = VECTOR_SELECT(pick[*], x[*], -1, 0, 2)\n`, 'v.cwm');
    expect(simulate(c.model!).error?.variable).toBe('one');
  });

  test('VECTOR_ELM_MAP moves from an element by an offset, fixed or changing', () => {
    const r = run(`${base}aux shifted[Co] = VECTOR_ELM_MAP(x[a], Co - 1)\naux moving = VECTOR_ELM_MAP(x[a], TIME)\naux previous[Co] = if Co = 1 then 0 else VECTOR_ELM_MAP(x[Co], -1)\n`);
    expect(at0(r, ['shifted[a]', 'shifted[b]', 'shifted[c]'])).toEqual([30, 10, 20]);
    expect(r['moving']).toEqual([30, 10, 20]);
    expect(at0(r, ['previous[a]', 'previous[b]', 'previous[c]'])).toEqual([0, 30, 10]);
  });

  test('VECTOR_ELM_MAP outside the array stops the run when that value is used', () => {
    for (const offset of ['2', 'TIME + 1']) {
      const r = simulate(compileSource(`${SIM}${base}aux y = VECTOR_ELM_MAP(x[b], ${offset})\n`, 'v.cwm').model!);
      expect([r.error?.variable, r.error?.time]).toEqual(['y', offset === '2' ? 0 : 1]);
    }
  });

  test('VECTOR_LOOKUP reads the elements from the one named as evenly spaced y values', () => {
    // y = 0, 10, 20, 10 at x = 0, 1, 2, 3
    const body = 'dimension P: p1, p2, p3, p4\nconst y[P] = 0, 10, 20, 10\n';
    const cases: [string, number][] = [
      ['1.5, 0, 3, 0', 15], ['5, 0, 3, 0', 10], ['-1, 0, 3, 0', 0],
      ['4, 0, 3, 3', 0], ['-1, 0, 3, 3', -10],
      ['1.5, 0, 3, 2', 10], ['1.5, 0, 3, 4', 20],
      ['2.5, 0, 3, 6', -10], ['5, 0, 3, 6', 0], ['5, 0, 3, 9', -10],
      ['2, 0, 3, 1', 20], ['3.5, 0, 3, 1', 40], ['3.5, 0, 3, 7', 38.75],
      ['15, 0, 3, 5', 1.5], ['25, 0, 3, 5', 3], ['-5, 0, 3, 8', -0.5],
    ];
    const r = run(body + cases.map(([args], i) => `aux v${i} = VECTOR_LOOKUP(y[p1], ${args})`).join('\n') + '\naux later = VECTOR_LOOKUP(y[p2], 0.5, 0, 2, 0)\n');
    cases.forEach(([args, want], i) => expect(r[`v${i}`]![0], args).toBeCloseTo(want, 12));
    // from p2: 10, 20, 10 at x = 0, 1, 2
    expect(r['later']![0]).toBe(15);
  });

  test('ALLOCATE_BY_PRIORITY serves higher priorities first and shares among close ones', () => {
    // requests 30, 10, 20 with priorities 3, 1, 2 and width 1: a's gap to c is a whole width, so a is
    // filled before c starts; then c, then b.
    const r = run(`${base}const p[Co] = 3, 1, 2\naux got[Co] = ALLOCATE_BY_PRIORITY(x[*], p[*], 1, 35 + 10 * TIME)\n`);
    expect(r['got[a]']).toEqual([30, 30, 30]);
    expect(r['got[c]']).toEqual([5, 15, 20]);
    expect(r['got[b]']).toEqual([0, 0, 5]);
    // Width 2: c starts once a has (3 - 2) / 2 = half its request (15); from there both take shares
    // in proportion to their requests (30 : 20) until a is full.
    const w = run(`${base}const p[Co] = 3, 1, 2\naux got[Co] = ALLOCATE_BY_PRIORITY(x[*], p[*], 2, 25)\n`);
    expect(w['got[a]']![0]).toBeCloseTo(15 + 10 * 0.6, 12);
    expect(w['got[c]']![0]).toBeCloseTo(10 * 0.4, 12);
    expect(w['got[b]']![0]).toBe(0);
  });

  test('ALLOCATE_BY_PRIORITY fills every request when the supply is enough, and gives nothing from none', () => {
    const r = run(`${base}const p[Co] = 3, 1, 2\naux all[Co] = ALLOCATE_BY_PRIORITY(x[*], p[*], 1, 100)\naux zero[Co] = ALLOCATE_BY_PRIORITY(x[*], p[*], 1, 0)\n`);
    expect(at0(r, ['all[a]', 'all[b]', 'all[c]'])).toEqual([30, 10, 20]);
    expect(at0(r, ['zero[a]', 'zero[b]', 'zero[c]'])).toEqual([0, 0, 0]);
  });

  test('INVERT_MATRIX inverts the matrix of two marked dimensions, for each other element', () => {
    const r = run(`dimension K: k1, k2\ndimension R: r1, r2\ndimension C: c1, c2\nconst m[K, R, C] = 4, 7, 2, 6, 2, 0, 0, 4\naux inv[K, R, C] = INVERT_MATRIX(m[K, *, *])\n`);
    // [[4, 7], [2, 6]] has determinant 10: inverse [[0.6, -0.7], [-0.2, 0.4]]
    const got = at0(r, ['inv[k1,r1,c1]', 'inv[k1,r1,c2]', 'inv[k1,r2,c1]', 'inv[k1,r2,c2]', 'inv[k2,r1,c1]', 'inv[k2,r1,c2]', 'inv[k2,r2,c1]', 'inv[k2,r2,c2]']);
    [0.6, -0.7, -0.2, 0.4, 0.5, 0, 0, 0.25].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 14));
  });

  test('a singular matrix stops the run', () => {
    const c = compileSource(`${SIM}dimension R: r1, r2\ndimension C: c1, c2\nconst m[R, C] = 1, 2, 2, 4\naux inv[R, C] = INVERT_MATRIX(m[*, *])\n`, 'v.cwm');
    expect(simulate(c.model!).error?.variable).toMatch(/^inv\[/);
  });

  test('the whole result is computed once per evaluation, not once per element', () => {
    const n = 20;
    const names = (p: string) => Array.from({ length: n }, (_, i) => `${p}${i + 1}`).join(', ');
    const src = `simulation\n  start: 0\n  stop: 100\n  dt: 0.25\ndimension R: ${names('r')}\ndimension C: ${names('c')}\naux m[R, C] = if R = C then 2 + TIME else 0\naux inv[R, C] = INVERT_MATRIX(m[*, *])\naux rank[R, C] = VECTOR_RANK(m[R, *], 1)\n`;
    const c = compileSource(src, 'big.cwm');
    const started = Date.now();
    const r = simulate(c.model!);
    expect(Date.now() - started).toBeLessThan(5000);
    // a diagonal matrix: its inverse has 1 / (2 + TIME) on the diagonal
    expect(Array.from(getSeries(r, 'inv[r3,c3]')!).slice(0, 3)).toEqual([1 / 2, 1 / 2.25, 1 / 2.5]);
    expect(getSeries(r, 'inv[r3,c4]')![5]).toBe(0);
  });

  test('a vector that depends on the element being computed is computed for each element', () => {
    // for a the vector is negated: -30 is then the smallest; for b and c it is x itself
    const r = run(`${base}aux r[Co] = VECTOR_RANK(x[*] * (if Co = 1 then -1 else 1), 1)\n`);
    expect(at0(r, ['r[a]', 'r[b]', 'r[c]'])).toEqual([1, 1, 2]);
  });

  test('mistakes get clear errors', () => {
    expect(errors(`${base}aux r[Co] = VECTOR_RANK(x, 1)\n`)).toEqual(['8:25 VECTOR_RANK needs a vector: mark the dimension it runs over with [*], as in VECTOR_RANK(vector[*], direction).']);
    expect(errors(`${base}aux r = VECTOR_RANK(x[*], 1)\n`)).toEqual(['8:9 VECTOR_RANK gives one value per element of "Co", so "r" must be an array over "Co" (or another dimension of 3 elements) to hold them.']);
    expect(errors(`${base}dimension Two: p, q\nconst y[Two] = 1, 2\naux r[Co] = VECTOR_REORDER(x[*], y[*])\n`)).toEqual(['10:34 The vectors given to VECTOR_REORDER must have the same number of elements, but this one has 2 and the first has 3.']);
    expect(errors(`dimension R: r1, r2\ndimension C: c1, c2, c3\nconst m[R, C] = 1, 2, 3, 4, 5, 6\naux inv[R, C] = INVERT_MATRIX(m[*, *])\n`)).toEqual(['8:31 INVERT_MATRIX needs a square matrix, but this one is 2 × 3.']);
    expect(errors(`${base}aux y = VECTOR_ELM_MAP(3, 1)\n`)).toEqual(['8:24 The first argument of VECTOR_ELM_MAP must be one element of an array, such as x[first]; the offset counts from it.']);
    expect(errors(`${base}aux r[Co] = VECTOR_RANK(x[*])\n`)[0]).toMatch(/^8:13 VECTOR_RANK takes 2 arguments/);
  });
});

describe('Vensim vector functions', () => {
  const control = '\n********************************************************\n\t.Control\n********************************************************~\n\t|\nFINAL TIME = 1 ~~|\nINITIAL TIME = 0 ~~|\nTIME STEP = 1 ~~|\nSAVEPER = 1 ~~|\n';
  const mdl = `{UTF-8}
company : (c1-c3) -> scompany ~~|
scompany : (s1-s3) -> company ~~|
revenue[company] = 30, 10, 20 ~~|
order[scompany] = VECTOR SORT ORDER(revenue[company], 1) ~~|
rank[company] = VECTOR RANK(revenue[company], 0) ~~|
sorted[scompany] = VECTOR REORDER(revenue[company], order[scompany]) ~~|
share[company] = ALLOCATE BY PRIORITY(revenue[company], rank[company], ELMCOUNT(company), 1, 35) ~~|
shifted[company] = VECTOR ELM MAP(revenue[c1], company - 1) ~~|
picked = VECTOR SELECT(rank[company!], revenue[company!], 0, 0, 0) ~~|
looked up = VECTOR LOOKUP(revenue[c1], 0.5, 0, 2, 0) ~~|
d : A, B ~~|
e : A, B ~~|
m[d, e] = 4, 7; 2, 6 ~~|
inv[d, e] = INVERT MATRIX(m[d, e], 2) ~~|
${control}`;

  test('run over the last subscript, with the size arguments dropped', () => {
    const read = importVensim(mdl, 'v.mdl');
    const c = compileAst(read.ast, read.diagnostics);
    expect(c.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const r = simulate(c.model!);
    const v = (n: string) => getSeries(r, n)![0];
    expect(['order[s1]', 'order[s2]', 'order[s3]'].map(v)).toEqual([1, 2, 0]);
    expect(['rank[c1]', 'rank[c2]', 'rank[c3]'].map(v)).toEqual([1, 3, 2]);
    expect(['sorted[s1]', 'sorted[s2]', 'sorted[s3]'].map(v)).toEqual([10, 20, 30]);
    // priorities 1, 3, 2: c2 (10) first, then c3 (20), then c1 gets the last 5
    expect(['share[c1]', 'share[c2]', 'share[c3]'].map(v)).toEqual([5, 10, 20]);
    expect(['shifted[c1]', 'shifted[c2]', 'shifted[c3]'].map(v)).toEqual([30, 10, 20]);
    expect(v('picked')).toBe(30 * 1 + 10 * 3 + 20 * 2);
    expect(v('looked up')).toBe(20);
    expect(['inv[A,A]', 'inv[A,B]', 'inv[B,A]', 'inv[B,B]'].map((n) => Number(v(n)!.toFixed(12)))).toEqual([0.6, -0.7, -0.2, 0.4]);
    const text = printModel(read.ast);
    expect(text).toContain('VECTOR_SORT_ORDER(revenue[company!], 1)');
    expect(text).toContain('ALLOCATE_BY_PRIORITY(revenue[company!], rank[company!], 1, 35)');
    expect(text).toContain('INVERT_MATRIX(m[d!, e!])');
  });
});
