import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { compileAst, exportXmile, importVensim, importXmile, simulate } from '../engine/src/index.js';

/** Deterministic mutations of real suite files: every one must end in diagnostics or a run, never a throw. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  'samples/teacup/teacup.xmile',
  'samples/SIR/SIR.xmile',
  'tests/lookups/test_lookups.xmile',
  'tests/subscript_individually_defined_1d_arrays/subscript_individually_defined_1d_arrays.xmile',
  'tests/delay_xmile/test_delay_xmile.xmile',
  'tests/macro_stock/test_macro_stock.xmile',
  // Our own export of Vensim models with vector functions (ALLOCATE_BY_PRIORITY, INVERT_MATRIX).
  'tests/allocate_by_priority/test_allocate_by_priority.mdl',
  'tests/invert_matrix/test_invert_matrix.mdl',
  // Conveyors (capacity, inflow limit, linear and exponential leakage), a queue with an overflow: ours.
  'local:test/fixtures/step-down-stella.stmx',
];
const PER_SEED = 375;

const INSERTS = ['<', '>', '&', '&bogus;', '<!DOCTYPE x>', '<![CDATA[', '"', '</model>', '<eqn>', '1e308*1e308', 'UNKNOWNFN(1)', '(((', '[', '9'.repeat(400), '\u0000', '<module name="m"/>', 'DELAY(x', '/0', 'VECTOR_RANK(x[*], 1)', '[*, *]', 'INVERT_MATRIX(', 'VECTOR_ELM_MAP(', '!]', '<conveyor>', '<conveyor><len>0</len></conveyor>', '<queue/>', '<leak/>', '<overflow/>', '<len>-1</len>', '<capacity>0/0</capacity>', ' leak_start="2"'];

function mutate(text: string, r: () => number): string {
  const at = Math.floor(r() * text.length);
  switch (Math.floor(r() * 5)) {
    case 0:
      return text.slice(0, at); // truncated
    case 1:
      return text.slice(0, at) + INSERTS[Math.floor(r() * INSERTS.length)]! + text.slice(at);
    case 2: {
      const len = Math.floor(r() * 200);
      return text.slice(0, at) + text.slice(at + len); // a chunk deleted: wrong nesting
    }
    case 3: {
      const from = Math.floor(r() * text.length);
      return text.slice(0, at) + text.slice(from, from + 300) + text.slice(at); // a chunk duplicated
    }
    default:
      return text.replace(/>(-?[0-9.]+)</g, (m, n: string) => (r() < 0.3 ? `>${n}e${Math.floor(r() * 600) - 300}<` : m)); // huge and tiny numbers
  }
}

describe('XMILE fuzzing', () => {
  test(`${SEEDS.length * PER_SEED} mutated files: errors with positions or a run, never an exception`, async () => {
    const r = rng(2026);
    let rejected = 0;
    let ran = 0;
    for (const file of SEEDS) {
      const text0 = await readFile(file.startsWith('local:') ? file.slice('local:'.length) : `../shared/test-models/${file}`, 'utf8');
      const original = file.endsWith('.mdl') ? exportXmile(importVensim(text0, file).ast) : text0;
      for (let n = 0; n < PER_SEED; n++) {
        let text = original;
        const rounds = 1 + Math.floor(r() * 3);
        for (let k = 0; k < rounds; k++) text = mutate(text, r);
        const imported = importXmile(text, 'fuzz.xmile');
        const compiled = compileAst(imported.ast, imported.diagnostics);
        for (const d of compiled.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.message.length).toBeGreaterThan(10);
        }
        if (compiled.model) {
          const result = simulate(compiled.model, { vars: [compiled.model.ir.variables.find((v) => v.slots.length > 0)?.name ?? ''].filter(Boolean) });
          if (result.error) expect(result.error.message).toMatch(/became/);
          ran++;
        } else {
          expect(compiled.diagnostics.some((d) => d.severity === 'error')).toBe(true);
          rejected++;
        }
      }
    }
    expect(ran + rejected).toBe(SEEDS.length * PER_SEED);
    expect(rejected).toBeGreaterThan(300);
    expect(ran).toBeGreaterThan(100);
  }, 300_000);
});
