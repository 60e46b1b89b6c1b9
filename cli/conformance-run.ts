#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { runConformance } from './conformance.js';

/** `npm run conformance [suite folder]`: one row per model, the summary line, exit 1 on surprises. */
const root = process.argv[2] ?? '../shared/test-models';
const expectations = JSON.parse(await readFile('test/conformance-expectations.json', 'utf8')) as { failures: Record<string, string> };
const report = await runConformance(root, expectations.failures);
for (const r of report.rows) process.stdout.write(`${r.status.padEnd(11)} ${r.model}  ${r.status === 'pass' ? '' : r.detail}\n`);
for (const s of report.surprises) process.stdout.write(`UNEXPECTED  ${s}\n`);
process.stdout.write(`${report.summary}\n`);
process.exitCode = report.surprises.length > 0 ? 1 : 0;
