import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runOurs, compileMdl } from '../bench/ours.js';
import { loadSdeJs, sdeId } from '../bench/sde.js';
import { getSeries } from '../engine/src/index.js';

/** The benchmark's SDEverywhere harness: it must run SDE's JavaScript and read its series right. */
describe('the SDEverywhere harness', () => {
  test('names map to SDEverywhere ids', () => {
    expect(sdeId('Teacup Temperature')).toBe('_teacup_temperature');
    expect(sdeId('population[A1,B20]')).toBe('_population[_a1,_b20]');
  });

  test('SDEverywhere JavaScript and our kernel agree on the teacup', async () => {
    const mdl = readFileSync(new URL('../../shared/test-models/samples/teacup/teacup.mdl', import.meta.url), 'utf8');
    const sde = await loadSdeJs(mdl);
    sde.run();
    const theirs = sde.series('_teacup_temperature')!;
    const ours = getSeries(runOurs(compileMdl(mdl), 'euler'), 'Teacup Temperature')!;
    expect(theirs.length).toBe(ours.length);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(theirs[i]! - ours[i]!)).toBeLessThan(1e-9 * Math.abs(ours[i]!));
  });
});
