/** `cwb sensitivity` and `cwb scenarios`: outputs, reproducibility, exit codes and messages. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../cli/args.js';
import { main } from '../cli/main.js';
import { parseParam } from '../cli/param-syntax.js';
import { ProjectStore } from '../services/project-store.js';

const WORKER = new URL('../dist/services/run-worker.js', import.meta.url);
const RESIDENTIAL = 'resources/models/residential-care.cwm';
let dir: string;

async function cwb(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += s), (s) => (err += s), { workerUrl: WORKER });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cwb-analysis-'));
  await writeFile(join(dir, 'linear.cwm'), 'simulation\n  start: 0\n  stop: 10\nconst k = 1\nconst c = 0\naux y = k * TIME + c\naux z = 1 / (k - 2)\n');
});

describe('cwb sensitivity', () => {
  const mc = ['sensitivity', '', '--param', 'k=uniform(0.1, 0.3)', '--runs', '3000', '--seed', '5', '--outputs', 'y', '--percentiles', '5,50,95', '--times', '5,10'];
  const linear = () => join(dir, 'linear.cwm');

  it('writes statistics per output and time as CSV, within sampling error of the answer', async () => {
    const r = await cwb(...mc.map((a) => a || linear()));
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('output,time,count,mean,sd,min,p5,p50,p95,max');
    const [, time, count, mean, , , p5, p50, p95] = lines[2]!.split(',').map(Number);
    expect([time, count]).toEqual([10, 3000]);
    // y(10) = 10·k with k ~ U(0.1, 0.3): mean 2, sd 0.577; 4 standard errors of the mean is 0.042.
    expect(Math.abs(mean! - 2)).toBeLessThan(4 * 0.577 / Math.sqrt(3000));
    for (const [est, q] of [[p5, 0.05], [p50, 0.5], [p95, 0.95]] as const) expect(Math.abs(est! - (1 + 2 * q))).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / 3000) * 2);
    expect(r.err).toMatch(/^cwb: 3,000 runs in [\d.]+ s on \d+ workers? \([\d,]+ runs\/s\)\n$/);
  });

  it('gives the same numbers for 1 and 3 workers, other numbers for another seed; JSON has the spec', async () => {
    const json = join(dir, 'mc.json');
    const one = await cwb(...mc.map((a) => a || linear()), '--workers', '1', '--json', json, '--csv', join(dir, 'mc1.csv'));
    const three = await cwb(...mc.map((a) => a || linear()), '--workers', '3', '--csv', join(dir, 'mc3.csv'));
    expect([one.code, one.out, three.code]).toEqual([0, '', 0]);
    expect(await readFile(join(dir, 'mc3.csv'), 'utf8')).toBe(await readFile(join(dir, 'mc1.csv'), 'utf8'));
    const other = await cwb(...mc.map((a) => a || linear()).map((a) => (a === '5' ? '6' : a)));
    expect(other.out).not.toBe(await readFile(join(dir, 'mc1.csv'), 'utf8'));
    const saved = JSON.parse(await readFile(json, 'utf8'));
    expect(saved.spec).toEqual({ method: 'mc', runs: 3000, seed: 5, outputs: ['y'], percentiles: [5, 50, 95], times: [5, 10], parameters: [{ name: 'k', distribution: { kind: 'uniform', min: 0.1, max: 0.3 } }] });
    expect(saved.result.outputs[0].count).toEqual([3000, 3000]);
  });

  it('ranks a tornado and sweeps one at a time', async () => {
    const t = await cwb('sensitivity', RESIDENTIAL, '--method', 'tornado', '--param', 'Average length of stay=2,2.6', '--param', 'Places commissioned=1200,1400', '--outputs', 'People in residential care', '--times', '2030');
    expect(t.code).toBe(0);
    expect(t.out.split('\n')[0]).toBe('rank,parameter,low,high,output,time,base,output at low,output at high,swing');
    expect(t.out.split('\n').slice(1, 3).map((l) => l.split(',').slice(0, 6))).toEqual([
      ['1', 'Places commissioned', '1200', '1400', 'People in residential care', '2030'],
      ['2', 'Average length of stay', '2', '2.6', 'People in residential care', '2030'],
    ]);
    const oat = await cwb('sensitivity', join(dir, 'linear.cwm'), '--method', 'oat', '--param', 'k=range(3, 4, 3)', '--param', 'c=5', '--outputs', 'y', '--times', '10');
    expect(oat.code).toBe(0);
    expect(oat.out).toBe('parameter,value,output,time,result,base\nk,3,y,10,30,10\nk,3.5,y,10,35,10\nk,4,y,10,40,10\nc,5,y,10,15,10\n');
  });

  it('starts every run from --set values', async () => {
    const r = await cwb('sensitivity', join(dir, 'linear.cwm'), '--method', 'oat', '--param', 'k=1', '--set', 'c=100', '--outputs', 'y', '--times', '0');
    expect(r.out.split('\n')[1]).toBe('k,1,y,0,100,100');
  });

  it('exits 1 naming the first failed run when some runs stop on NaN or infinity', async () => {
    const r = await cwb('sensitivity', join(dir, 'linear.cwm'), '--param', 'k=discrete(1:0.5, 2:0.5)', '--runs', '200', '--outputs', 'z');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/runs stopped on NaN or infinity and are left out; the first: run \d+: "z" became infinite at time 0/);
  });

  it('refuses bad command lines and stale names with exit 2, model errors with exit 1', async () => {
    const f = join(dir, 'linear.cwm');
    const cases: [string[], number, RegExp][] = [
      [['sensitivity', f, '--param', 'k=uniform(1,2)'], 2, /needs --outputs/],
      [['sensitivity', f, '--method', 'bayes', '--outputs', 'y'], 2, /--method must be mc, lhs, oat, tornado, not "bayes"/],
      [['sensitivity', f, '--param', 'k=1,2', '--outputs', 'y'], 2, /mc draws values from a distribution/],
      [['sensitivity', f, '--method', 'oat', '--param', 'k=uniform(1,2)', '--outputs', 'y'], 2, /oat sweeps a list of values/],
      [['sensitivity', f, '--method', 'oat', '--runs', '5', '--param', 'k=1', '--outputs', 'y'], 2, /--runs applies to mc and lhs/],
      [['sensitivity', f, '--param', 'k=gamma(1,2)', '--outputs', 'y'], 2, /unknown distribution "gamma"/],
      [['sensitivity', f, '--param', 'kk=uniform(1,2)', '--outputs', 'y'], 2, /cwb: The model has no variable called "kk"/],
      [['sensitivity', f, '--param', 'y=uniform(1,2)', '--outputs', 'y'], 2, /"y" changes during the run/],
      [['sensitivity', f, '--param', 'k=uniform(2,1)', '--outputs', 'y'], 2, /uniform needs min < max/],
      [['sensitivity', f, '--param', 'k=uniform(1,2)', '--outputs', 'y', '--times', '2.5'], 2, /2.5 is not a saved time/],
      [['sensitivity', join(dir, 'missing.cwm'), '--outputs', 'y'], 2, /no such file/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await cwb(...argv);
      expect([r.code, r.err], argv.join(' ')).toEqual([code, expect.stringMatching(message)]);
    }
    await writeFile(join(dir, 'broken.cwm'), 'aux a = b\n');
    expect((await cwb('sensitivity', join(dir, 'broken.cwm'), '--outputs', 'a')).code).toBe(1);
  });
});

describe('--param syntax', () => {
  it('reads every distribution, scale factors and sweeps', () => {
    expect(parseParam('rate[85+]=normal(0.05, 1%, min=0)')).toEqual({ name: 'rate[85+]', scale: false, value: { kind: 'distribution', distribution: { kind: 'normal', mean: 0.05, sd: 0.01, min: 0 } } });
    expect(parseParam('x*=lognormal(1, 0.2, 0.5, inf)').value).toEqual({ kind: 'distribution', distribution: { kind: 'lognormal', mean: 1, sd: 0.2, min: 0.5 } });
    expect(parseParam('x*=uniform(0.8,1.2)').scale).toBe(true);
    expect(parseParam('Length of stay=triangular(2, 2.5, 4)').value).toMatchObject({ distribution: { kind: 'triangular', min: 2, mode: 2.5, max: 4 } });
    expect(parseParam('x=discrete(1:0.2, 2:0.8)').value).toMatchObject({ distribution: { values: [1, 2], probabilities: [0.2, 0.8] } });
    expect(parseParam('x=range(1, 3, step=0.5)').value).toEqual({ kind: 'range', from: 1, to: 3, step: 0.5 });
    expect(parseParam('x=1,2,5').value).toEqual({ kind: 'values', values: [1, 2, 5] });
    expect(() => parseParam('x=uniform(1)')).toThrow('uniform takes a minimum and a maximum');
    expect(() => parseParam('x=discrete(1:0.5, 2)')).toThrow('give every value of discrete(…) a probability, or none');
    expect(() => parseParam('uniform(1,2)')).toThrow('--param needs name=distribution');
  });

  it('sensitivity options', () => {
    expect(parseArgs(['sensitivity', 'm.cwm', '--param', 'k=uniform(1,2)', '--outputs', 'a,b[x,y]', '--runs', '10', '--scatter', '5', '--samples', '3', '--integration', 'rk4'])).toMatchObject({
      command: 'sensitivity', model: 'm.cwm', method: 'mc', runs: 10, outputs: ['a', 'b[x,y]'], scatter: [5], samples: 3, integration: 'rk4',
    });
  });
});

describe('cwb scenarios', () => {
  it('compares scenarios of a plain model from a JSON file and the command line', async () => {
    const defs = join(dir, 'scenarios.json');
    await writeFile(defs, JSON.stringify({ scenarios: [{ name: 'No pressure', graphs: { 'Admission pressure': { points: [[0, 1], [2, 1]] } } }] }));
    const out = join(dir, 'compare.csv');
    const r = await cwb('scenarios', RESIDENTIAL, '--scenarios', defs, '--scenario', 'Higher fees: Weekly fee per resident=900', '--vars', 'Spend per year,Admissions', '--times', '2025', '--csv', out);
    expect(r).toEqual({ code: 0, out: '', err: '' });
    const rows = (await readFile(out, 'utf8')).trim().split('\n');
    expect(rows[0]).toBe('variable,units,time,baseline,No pressure,Higher fees,No pressure minus baseline,No pressure % vs baseline,Higher fees minus baseline,Higher fees % vs baseline');
    expect(rows[1]).toBe(`Spend per year,GBP/year,2025,50830000,50830000,53820000,0,0,2990000,${(100 * 2990000) / 50830000}`);
    expect(Number(rows[2]!.split(',')[4])).toBeCloseTo(490, 10);
  });

  it('compares the scenarios of a project, against any base', async () => {
    const path = join(dir, 'Care.cwbproj');
    const store = ProjectStore.create(path);
    const m = store.saveModel({ name: 'Residential', text: await readFile(RESIDENTIAL, 'utf8') });
    store.saveScenario({ modelId: m.id, name: 'Higher fees', overrides: { 'Weekly fee per resident': 900 } });
    store.saveScenario({ modelId: m.id, name: 'Lower fees', overrides: { 'Weekly fee per resident': 800 } });
    store.close();
    const r = await cwb('scenarios', path, '--compare', 'Lower fees,Higher fees', '--base', 'Higher fees', '--vars', 'Spend per year', '--times', '2025');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[1]).toBe(`Spend per year,GBP/year,2025,47840000,53820000,-5980000,${(-100 * 5980000) / 53820000}`);
    const unknown = await cwb('scenarios', path, '--compare', 'Nope');
    expect([unknown.code, unknown.err]).toEqual([2, 'cwb: There is no scenario "Nope" (scenarios: Higher fees, Lower fees; "baseline" is the model as it is).\n']);
  });

  it('reports stale scenarios with exit 1 and compares nothing', async () => {
    const r = await cwb('scenarios', RESIDENTIAL, '--scenario', 'Old: Average length of stay=2.5; Fees=900');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe('cwb: scenario "Old": The model has no variable called "Fees".\ncwb: scenarios that do not fit the model are not compared; update them (or the model) first.\n');
    expect((await cwb('scenarios', RESIDENTIAL, '--scenarios', join(dir, 'none.json'))).err).toMatch(/Cannot open .*none.json.*no such file/);
  });
});

describe('the installed command', () => {
  it('dist/cli/cwb.js runs an analysis on its own workers', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/cli/cwb.js', 'sensitivity', RESIDENTIAL, '--param', 'Average length of stay=uniform(2,3)', '--runs', '50', '--outputs', 'People in residential care', '--times', '2035']);
    expect(stdout.split('\n')[1]).toMatch(/^People in residential care,2035,50,/);
  });
});
