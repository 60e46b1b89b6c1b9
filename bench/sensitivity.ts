/**
 * The sensitivity benchmark on its own (it is also a section of `npm run bench`):
 *
 *   npm run build && node dist/bench/sensitivity.js [--reps 5] [--runs 10000] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { benchSensitivity, formatSensitivity } from './sensitivity-bench.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const report = await benchSensitivity(option('--reps', 5), option('--runs', 10_000));
process.stdout.write(formatSensitivity(report));
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
