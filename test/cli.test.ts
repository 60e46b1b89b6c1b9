import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { main } from '../cli/main.js';
import { parseArgs, splitNames } from '../cli/args.js';

let dir: string;

const decay = `
simulation
  start: 0
  stop: 3
stock S [people] = 100
  outflow: leaving
flow leaving [people/year] = S * k
const k [1/year] = 0.5
dimension Area: North, South
const rate[Area] = 1, 2
aux "scaled rate"[Area] = rate * 10
`;

async function cwb(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cwb-'));
  await writeFile(join(dir, 'decay.cwm'), decay);
  await writeFile(join(dir, 'broken.cwm'), 'const a = 1 +\naux b = missing * 2\naux c = SQRT(1, 2)\n');
  await writeFile(join(dir, 'nan.cwm'), 'simulation\n  start: 0\n  stop: 4\naux x = 1 / (2 - TIME)\n');
});

describe('cwb run', () => {
  test('writes CSV to stdout: time, then every variable, array elements as name[element]', async () => {
    const r = await cwb('run', join(dir, 'decay.cwm'));
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('time,S,leaving,k,rate[North],rate[South],scaled rate[North],scaled rate[South]');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).map(Number))).toEqual([
      [0, 100, 50],
      [1, 50, 25],
      [2, 25, 12.5],
      [3, 12.5, 6.25],
    ]);
  });

  test('--set, --vars, --method and --csv', async () => {
    const out = join(dir, 'out.csv');
    const r = await cwb('run', join(dir, 'decay.cwm'), '--set', 'k=0.25', '--set', 'rate=3,4', '--vars', 'S,scaled rate', '--method', 'euler', '--csv', out);
    expect(r).toEqual({ code: 0, out: '', err: '' });
    expect(await readFile(out, 'utf8')).toBe('time,S,scaled rate[North],scaled rate[South]\n0,100,30,40\n1,75,30,40\n2,56.25,30,40\n3,42.1875,30,40\n');
    const rk4 = await cwb('run', join(dir, 'decay.cwm'), '--method=rk4', '--vars=S');
    expect(Number(rk4.out.split('\n')[2]!.split(',')[1])).toBeCloseTo(100 * (1 - 0.5 + 0.125 - 0.5 ** 3 / 6 + 0.5 ** 4 / 24), 12);
  });

  test('one element by name, quoted in the CSV header because it has a comma', async () => {
    const twoD = `dimension A: a1, a2\ndimension B: b1, b2\nconst m[A, B] = 1, 2; 3, 4\n`;
    await writeFile(join(dir, 'twod.cwm'), twoD);
    const r = await cwb('run', join(dir, 'twod.cwm'), '--vars', 'm[a2,b1]', '--set', 'm[a2, b1]=9');
    expect(r.out.split('\n')[0]).toBe('time,"m[a2,b1]"');
    expect(r.out.split('\n')[1]).toBe('0,9');
  });

  test('a run that produces infinity writes what it has and exits 1 naming variable and time', async () => {
    const r = await cwb('run', join(dir, 'nan.cwm'));
    expect(r.code).toBe(1);
    expect(r.out).toBe('time,x\n0,0.5\n1,1\n');
    expect(r.err).toContain('"x" became infinite at time 2');
  });

  test('errors in the model: diagnostics on stderr, exit 1, no output', async () => {
    const r = await cwb('run', join(dir, 'broken.cwm'));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('broken.cwm:2:9: error: Unknown variable "missing".');
  });

  test('usage errors exit 2', async () => {
    expect((await cwb('run')).code).toBe(2);
    expect((await cwb('frobnicate', 'x.cwm')).code).toBe(2);
    expect((await cwb('run', join(dir, 'decay.cwm'), '--method', 'midpoint')).err).toContain('--method must be euler, rk2 or rk4, not "midpoint".');
    expect((await cwb('run', join(dir, 'decay.cwm'), '--bogus')).code).toBe(2);
    expect((await cwb('run', join(dir, 'decay.cwm'), '--set', 'k=abc')).err).toContain('"abc" is not a number');
    const unknown = await cwb('run', join(dir, 'decay.cwm'), '--set', 'nothing=1');
    expect([unknown.code, unknown.err]).toEqual([2, 'cwb: The model has no variable called "nothing".\n']);
    const notParam = await cwb('run', join(dir, 'decay.cwm'), '--set', 'leaving=1');
    expect([notParam.code, notParam.err]).toEqual([2, 'cwb: "leaving" changes during the run, so it cannot be set; only constants and the initial values of stocks can.\n']);
    const missing = await cwb('run', join(dir, 'nope.cwm'));
    expect([missing.code, missing.err]).toEqual([2, `cwb: Cannot open "${join(dir, 'nope.cwm')}": no such file.\n`]);
    const wrongType = await cwb('check', join(dir, 'model.xyz'));
    expect(wrongType.code).toBe(2);
    expect(wrongType.err).toContain('unsupported file type ".xyz"');
  });

  test('help exits 0', async () => {
    const r = await cwb('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('cwb run <model>');
  });
});

describe('cwb check', () => {
  test('a good model: exit 0 and a summary', async () => {
    expect(await cwb('check', join(dir, 'decay.cwm'))).toEqual({ code: 0, out: '', err: `${join(dir, 'decay.cwm')}: 0 errors, 0 warnings\n` });
  });

  test('a broken model: every error in file:line:column form, exit 1', async () => {
    const r = await cwb('check', join(dir, 'broken.cwm'));
    expect(r.code).toBe(1);
    const f = join(dir, 'broken.cwm');
    expect(r.err.split('\n').filter(Boolean)).toEqual([
      `${f}:1:14: error: The equation is incomplete: expected a number, a name or "(" before the end of the line.`,
      `${f}:2:9: error: Unknown variable "missing".`,
      `${f}:3:9: error: SQRT takes 1 argument (SQRT(x)) but 2 were given.`,
      `${f}: 3 errors, 0 warnings`,
    ]);
  });
});

describe('cwb convert', () => {
  test('an XMILE model becomes a .cwm model that runs the same', async () => {
    const out = join(dir, 'teacup.cwm');
    const teacup = '../shared/test-models/samples/teacup/teacup.xmile';
    expect(await cwb('convert', teacup, out)).toEqual({ code: 0, out: '', err: '' });
    expect(await readFile(out, 'utf8')).toContain('stock "Teacup Temperature" = 180\n  outflow: "Heat Loss to Room"');
    const original = await cwb('run', teacup);
    const converted = await cwb('run', out);
    expect(converted.out).toBe(original.out);
  });

  test('unwritable formats and unreadable inputs', async () => {
    const pdf = await cwb('convert', join(dir, 'decay.cwm'), join(dir, 'decay.pdf'));
    expect(pdf.code).toBe(2);
    expect(pdf.err).toContain('convert writes .cwm, .xmile, .stmx, .itmx files');
    const broken = await cwb('convert', join(dir, 'broken.cwm'), join(dir, 'fixed.cwm'));
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('could not be read completely, so nothing was written');
    expect((await cwb('convert', join(dir, 'decay.cwm'))).code).toBe(2);
  });
});

describe('argument parsing', () => {
  test('names with commas inside brackets stay whole', () => {
    expect(splitNames('a, b[x,y] ,"c d"')).toEqual(['a', 'b[x,y]', '"c d"']);
  });

  test('percent values and repeated --set', () => {
    expect(parseArgs(['run', 'm.cwm', '--set', 'a=5%', '--set', 'b[x]=1e3'])).toEqual({
      command: 'run',
      model: 'm.cwm',
      sets: [
        { name: 'a', values: [0.05] },
        { name: 'b[x]', values: [1000] },
      ],
    });
  });
});

describe('the installed command', () => {
  test('dist/cli/cwb.js runs the example model (built by npm install / npm test)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/cli/cwb.js', 'run', 'resources/models/residential-care.cwm', '--vars', 'People in residential care']);
    const rows = stdout.trim().split('\n');
    expect(rows[0]).toBe('time,People in residential care');
    expect(rows).toHaveLength(12);
    expect(rows[1]).toBe('2025,1150');
  });
});
