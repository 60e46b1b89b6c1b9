import { describe, expect, test } from 'vitest';
import { compileSource, formatDiagnostic, simulate } from '../engine/src/index.js';
import { rng, sameNumbers } from './helpers.js';

/**
 * A random care pathway of conveyors and queues: referrals into a queue or straight into a
 * conveyor (transit time fixed, per element or changing, capacity, inflow limit, arrest, sample,
 * linear or exponential leakages with zones), its exit into a second queue, a stock or nowhere, an
 * overflow into a second conveyor; sometimes all of it over a dimension.
 */
function randomPathway(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const num = (lo: number, hi: number): string => String(Math.round((lo + r() * (hi - lo)) * 100) / 100);
  const arrayed = r() < 0.3;
  const d = arrayed ? '[D]' : '';
  const lines = ['simulation', '  start: 0', `  stop: ${6 + Math.floor(r() * 10)}`, `  dt: ${pick(['1', '0.5', '0.25', '1/3'])}`, `  seed: ${Math.floor(r() * 100)}`];
  if (arrayed) lines.push('dimension D: a, b', `const stay[D] = ${num(0.5, 3)}, ${num(1, 4)}`);
  else lines.push(`const stay = ${num(0.5, 4)}`);
  lines.push(`const places = ${num(2, 30)}`);
  const transit = pick(['stay', '2', 'if TIME < 3 then stay else stay + 1', 'stay * (1 + STEP(1, 4))']);
  const viaQueue = r() < 0.6;
  const overflow = viaQueue && r() < 0.5;
  const leaks = Math.floor(r() * 3);
  const exponential = r() < 0.4;
  const referrals = pick(['4', 'ARCTAN(TIME) * 5', '3 + UNIFORM(0, 4)', 'PULSE(10, 1, 3)', 'pool / 3']);
  lines.push(`stock pool${d} = ${num(10, 60)}`, '  outflow: referrals');
  if (r() < 0.5) lines.push('  non-negative');
  lines.push(`flow referrals${d} = ${referrals}`);
  if (viaQueue) {
    lines.push(`stock waiting${d} = ${num(0, 10)}`, '  inflow: referrals', `  outflow: admissions${overflow ? ', diverted' : ''}`, '  queue');
    lines.push(r() < 0.5 ? `flow admissions${d}` : `flow admissions${d} = ${num(1, 8)} + SIN(TIME)`);
  }
  const into = viaQueue ? 'admissions' : 'referrals';
  const exits = pick(['to cloud', 'to stock', 'to queue']);
  const leakNames = Array.from({ length: leaks }, (_, i) => `leak${i}`);
  lines.push(`stock care${d} = ${num(0, 20)}`, `  inflow: ${into}`, `  outflow: ${[...(r() < 0.5 ? leakNames : []), 'discharges', ...leakNames].filter((x, i, all) => all.indexOf(x) === i).join(', ')}`, '  conveyor', `  transit time: ${transit}`);
  if (r() < 0.7) lines.push(`  capacity: places${r() < 0.3 ? ' + TIME' : ''}`);
  if (r() < 0.4) lines.push(`  inflow limit: ${num(1, 10)}`);
  if (r() < 0.2) lines.push('  arrest: if TIME >= 2 and TIME < 3 then 1 else 0');
  if (r() < 0.2) lines.push('  sample: if MOD(TIME, 2) < 1 then 1 else 0');
  lines.push(`flow discharges${d}`);
  for (const name of leakNames) {
    lines.push(`flow ${name}${d}`, exponential ? `  leak rate: ${num(0.01, 0.4)}` : `  leak fraction: ${num(0, 0.5)}`);
    if (r() < 0.4) {
      const a = Math.round(r() * 50) / 100;
      lines.push(`  leak zone: ${a}, ${Math.round((a + 0.1 + r() * (0.9 - a)) * 100) / 100}`);
    }
  }
  if (exits === 'to stock') lines.push(`stock home${d} = 0`, '  inflow: discharges');
  if (exits === 'to queue') lines.push(`stock "after care"${d} = 0`, '  inflow: discharges', '  outflow: onward', '  queue', `flow onward${d} = ${num(1, 5)}`);
  if (overflow) {
    lines.push(`flow diverted${d}`, '  overflow', `stock "care home"${d} = 0`, '  inflow: diverted', '  outflow: "leaving care home"', '  conveyor', `  transit time: ${num(1, 5)}`, `  capacity: ${num(1, 8)}`);
    lines.push(`flow "leaving care home"${d}`);
  }
  lines.push(`aux occupancy${d} = SAFEDIV(care, places)`);
  return lines.join('\n');
}

describe('conveyors and queues: compiled kernels (WebAssembly and JavaScript) vs reference interpreter', () => {
  test('agree bit for bit on 150 random care pathways with every method', () => {
    let clean = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const source = randomPathway(seed);
      const interpreted = compileSource(source, `pathway-${seed}.cwm`, { backend: 'interpreter' });
      expect(interpreted.diagnostics.filter((x) => x.severity === 'error').map(formatDiagnostic), source).toEqual([]);
      for (const backend of ['wasm', 'generated'] as const) {
        const compiled = compileSource(source, `pathway-${seed}.cwm`, { backend });
        expect(compiled.model!.backend).toBe(backend);
        for (const method of ['euler', 'rk2', 'rk4'] as const) {
          const a = simulate(compiled.model!, { method });
          const difference = sameNumbers(a, simulate(interpreted.model!, { method }));
          expect(difference, `pathway ${seed}, ${backend}, ${method}:\n${source}`).toBeUndefined();
          if (!a.error && backend === 'wasm') clean++;
        }
        const sparse = { method: 'euler', saveEvery: 1 } as const;
        expect(sameNumbers(simulate(compiled.model!, sparse), simulate(interpreted.model!, sparse)), `pathway ${seed}, ${backend}, saving every 1:\n${source}`).toBeUndefined();
      }
    }
    expect(clean).toBeGreaterThan(400);
  });

  test('conveyors and queues never hold less than nothing', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const source = randomPathway(seed);
      const result = simulate(compileSource(source, 'p.cwm', { backend: 'interpreter' }).model!);
      for (const s of result.series) {
        if (!/^(care|waiting|care home|after care)(\[\w\])?$/.test(s.name)) continue;
        for (const v of s.values) expect(v, `${s.name} in pathway ${seed}:\n${source}`).toBeGreaterThanOrEqual(-1e-9);
      }
    }
  });
});
