#!/usr/bin/env node
import { main } from './main.js';

main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s), { progress: process.stderr.isTTY === true }).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`cwb: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
