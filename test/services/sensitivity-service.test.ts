/** Sensitivity jobs in worker threads: identical results for 1, 2 and 3 workers, progress, cancellation. */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runSensitivity, type SensitivityResult } from '../../engine/src/index.js';
import { RunService } from '../../services/run-service.js';
import { SensitivityService, type SensitivityStatus } from '../../services/sensitivity-service.js';
import { compile } from '../helpers.js';

const WORKER = new URL('../../dist/services/run-worker.js', import.meta.url);
const text = readFileSync('resources/models/intermediate-care.cwm', 'utf8');
const spec = {
  method: 'lhs', runs: 600, seed: 42, chunkSize: 50, outputs: ['Waiting in hospital', 'Cost of delays (NHS)'], samples: 5, scatterTimes: [52, 104], percentiles: [5, 50, 95],
  parameters: [
    { name: 'Intermediate care places', distribution: { kind: 'triangular', min: 60, mode: 72, max: 90 } },
    { name: 'Average length of stay', distribution: { kind: 'lognormal', mean: 4.5, sd: 1, min: 2 } },
    { name: 'Weekly discharges needing support per person', scale: true, distribution: { kind: 'normal', mean: 1, sd: 0.1 } },
  ],
};

const services: { runs: RunService; sensitivity: SensitivityService }[] = [];
function service(workers: number): SensitivityService {
  const runs = new RunService({ workers, workerUrl: WORKER });
  const sensitivity = new SensitivityService(runs);
  services.push({ runs, sensitivity });
  return sensitivity;
}
afterAll(async () => { for (const s of services) await s.runs.close(); });

async function analyse(s: SensitivityService, request: { spec: unknown; scenario?: { name: string; overrides: Record<string, number> } }): Promise<SensitivityResult> {
  const started = await s.start({ text, file: 'intermediate-care.cwm', ...request });
  if (!started.ok) throw new Error(JSON.stringify(started));
  expect((await s.wait(started.jobId)).state).toBe('done');
  return s.result(started.jobId)!;
}

describe('SensitivityService', () => {
  it('gives the same numbers with 1, 2 or 3 workers, and the same as in this thread', async () => {
    const [one, two, three] = await Promise.all([1, 2, 3].map((w) => analyse(service(w), { spec })));
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    expect(runSensitivity(compile(text), spec).result).toEqual(one);
    expect(one.completedRuns).toBe(600);
    expect(one.outputs.map((o) => o.name)).toEqual(['Waiting in hospital', 'Cost of delays (NHS)']);
    // Another seed, other numbers.
    const other = await analyse(service(2), { spec: { ...spec, seed: 43 } });
    expect(other.outputs[0]!.mean.at(-1)).not.toBe(one.outputs[0]!.mean.at(-1));
  });

  it('starts every run from a base scenario', async () => {
    const s = service(2);
    const small = { method: 'oat', outputs: ['Intermediate care places'], times: [0], parameters: [{ name: 'Average length of stay', values: [4, 5] }] };
    const r = await analyse(s, { spec: small, scenario: { name: 'more places', overrides: { 'Intermediate care places': 86 } } });
    expect(r.sweeps![0]!.outputs[0]).toMatchObject({ base: 86, values: [86, 86] });
  });

  it('reports progress with rate and time left, and stops when cancelled', async () => {
    const s = service(2);
    const statuses: SensitivityStatus[] = [];
    let jobId = '';
    const started = await s.start({ text, file: 'm.cwm', spec: { ...spec, method: 'mc', runs: 200_000, chunkSize: 100 } }, (st) => {
      statuses.push(st);
      if (statuses.length === 3) s.cancel(jobId);
    });
    expect(started.ok).toBe(true);
    jobId = started.ok ? started.jobId : '';
    const end = await s.wait(jobId);
    expect(end.state).toBe('cancelled');
    expect(end.etaMs).toBeNull();
    const running = statuses.filter((x) => x.state === 'running');
    expect(running.length).toBeGreaterThanOrEqual(3);
    expect(running.map((x) => x.runsDone)).toEqual([...running.map((x) => x.runsDone)].sort((a, b) => a - b));
    expect(running.every((x) => x.runsTotal === 200_000 && x.runsPerSecond > 0 && x.etaMs! > 0)).toBe(true);
    expect(end.runsDone).toBeLessThan(200_000);
    const result = s.result(jobId)!;
    expect(result.complete).toBe(false);
    expect(result.completedRuns).toBe(end.runsDone);
    expect(s.status(jobId).state).toBe('cancelled');
  });

  it('refuses a spec that does not fit the model, saying where', async () => {
    const s = service(1);
    const bad = await s.start({ text, file: 'm.cwm', spec: { ...spec, parameters: [{ name: 'Free places', distribution: { kind: 'uniform', min: 0, max: 1 } }] } });
    expect(bad).toMatchObject({ ok: false, problems: [{ path: 'parameters[0].name', code: 'not-a-parameter' }] });
    const broken = await s.start({ text: 'aux x = y', file: 'm.cwm', spec });
    expect(broken).toMatchObject({ ok: false, message: 'The model has errors: fix them to run an analysis.' });
    expect(() => s.status('nope')).toThrow(/no sensitivity job "nope"/);
  });
});
