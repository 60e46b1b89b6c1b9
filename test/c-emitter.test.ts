import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { cNumber, emitC } from '../bench/c-emitter.js';
import { compileC } from '../bench/gcc.js';
import { flatten, recordedSlots } from '../bench/ours.js';
import { compileSource, simulate } from '../engine/src/index.js';

const hasGcc = ((): boolean => {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The benchmark's C emitter must compute what our kernel computes, or its timings mean nothing. */
describe('the benchmark C emitter', () => {
  test('numbers become C double literals that never truncate or change', () => {
    expect(cNumber(2)).toBe('2.0');
    expect(cNumber(-0.5)).toBe('(-0.5)');
    expect(cNumber(1e-300)).toBe('1e-300');
    expect(cNumber(Number.NaN)).toBe('NAN');
    expect(cNumber(-0)).toBe('(-0.0)');
  });

  test.skipIf(!hasGcc)('C output equals our kernel, to the last place of libm (Euler and RK4, graphs, delays, PREVIOUS, non-negative stocks)', () => {
    const compiled = compileSource(`
simulation
  start: 0
  stop: 12
  dt: 0.25
dimension Area: North, South
stock waiting[Area] = 10, 20
  inflow: referrals
  outflow: admissions
  non-negative
flow referrals[Area] = 3 + STEP(2, 4) + PULSE(5, 6, 0) + RAMP(0.5, 2, 8) * (1 + MOD(TIME, 3))
flow admissions[Area] = MIN(waiting / 2, capacity * effect(waiting / 20))
const capacity = 4
graph effect = 0
  points: (0, 1), (0.5, 1.2), (1, 1.6), (2, 2)
aux late[Area] = DELAY(admissions, 1.5, 0) + SMTH1(referrals, 2) + DELAY3(referrals, 3)
aux before[Area] = PREVIOUS(admissions, 0) + ABS(SIN(TIME)) ^ 0.5 + ROUND(late)
aux total = SUM(late[*]) + if total0 > 2 then 1 else 0
aux total0 = SAFEDIV(SUM(waiting[*]), capacity, 0)
`, 'c.cwm');
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const model = compiled.model!;
    const program = compileC(emitC(model.ir, recordedSlots(model.ir)));
    try {
      for (const method of ['euler', 'rk4'] as const) {
        const ours = flatten(simulate(model, { method }));
        const c = program.run(1, [method]).values;
        expect(c.length).toBe(ours.length);
        // libm's sin may differ from V8's in the last place; everything else must be identical.
        let worst = 0;
        for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - c[i]!) / Math.max(1, Math.abs(ours[i]!)));
        expect(worst, method).toBeLessThan(1e-12);
      }
    } finally {
      program.dispose();
    }
  });
});
