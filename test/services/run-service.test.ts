/** The run service under Node: worker threads, concurrent runs, results equal to an in-process run. */
import { afterAll, describe, expect, it } from 'vitest';
import { compileSource, simulate } from '../../engine/src/index.js';
import { RunService } from '../../services/run-service.js';

const decay = (k: number) => `model "Decay"

simulation
  start: 0
  stop: 20
  dt: 1/8
  method: rk4

stock "S" = 1000
  outflow: "out"

flow "out" = "S" * ${k}
`;

const service = new RunService({ workers: 2, workerUrl: new URL('../../dist/services/run-worker.js', import.meta.url) });
afterAll(() => service.close());

describe('RunService', () => {
  it('runs a model in a worker with the same numbers as an in-process run', async () => {
    const result = await service.run({ text: decay(0.1), file: 'decay.cwm', settings: {} });
    expect(result.ok).toBe(true);
    const direct = simulate(compileSource(decay(0.1)).model!);
    const s = result.series.find((x) => x.name === 'S')!;
    expect(Array.from(s.values)).toEqual(Array.from(direct.series.find((x) => x.name === 'S')!.values));
    // And close to the analytic solution S = 1000·e^(-0.1 t).
    const last = s.values[s.values.length - 1]!;
    expect(last).toBeCloseTo(1000 * Math.exp(-2), 4);
  });

  it('keeps many concurrent runs apart: each answer belongs to its own request', async () => {
    const rates = Array.from({ length: 24 }, (_, i) => 0.01 * (i + 1));
    const results = await Promise.all(rates.map((k) => service.run({ text: decay(k), file: 'decay.cwm', settings: { method: 'euler', dt: 0.5 } })));
    results.forEach((r, i) => {
      const s = r.series.find((x) => x.name === 'S')!.values;
      // Euler with dt 0.5 for 20 time units: 40 steps of (1 - 0.5 k).
      expect(s[s.length - 1]).toBeCloseTo(1000 * (1 - 0.5 * rates[i]!) ** 40, 8);
    });
  });

  it('applies overrides and settings per run, and reports errors and bad settings as values', async () => {
    const overridden = await service.run({ text: decay(0.1), file: 'decay.cwm', settings: { method: 'euler', dt: 1 }, overrides: { S: 500 } });
    expect(overridden.series.find((x) => x.name === 'S')!.values[1]).toBeCloseTo(450, 12);
    const broken = await service.run({ text: decay(0.1).replace('"S" * 0.1', '"Q" * 0.1'), file: 'decay.cwm', settings: {} });
    expect(broken.ok).toBe(false);
    expect(broken.diagnostics.some((d) => d.severity === 'error' && d.message.includes('Q'))).toBe(true);
    const badDt = await service.run({ text: decay(0.1), file: 'decay.cwm', settings: { dt: 0.3 } });
    expect(badDt.ok).toBe(false);
    expect(badDt.message).toMatch(/whole number of time steps/);
  });

  it('checks a model without running it', async () => {
    const diagnostics = await service.check('model "x"\naux "a" = "b" + 1\n', 'x.cwm');
    expect(diagnostics.find((d) => d.severity === 'error')?.line).toBe(2);
  });
});
