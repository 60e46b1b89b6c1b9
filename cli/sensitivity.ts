/**
 * `cwb sensitivity`: a sensitivity analysis of a model file on worker threads (every core by
 * default), statistics as CSV, everything (with the spec) as JSON.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { compileAst, formatDiagnostic, mainTable, printModel, sensitivityCsv, type SensitivitySpec } from '../engine/src/index.js';
import { readModelFile } from '../services/model-files.js';
import { RunService } from '../services/run-service.js';
import { SensitivityService, type SensitivityStatus } from '../services/sensitivity-service.js';
import type { SensitivityCommand } from './analysis-args.js';
import { sampledParameter, sweptParameter, tornadoParameter } from './param-syntax.js';

export interface CommandIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Show a progress line on stderr (when it is a terminal). */
  readonly progress?: boolean;
  /** The compiled run-worker.js, when not next to the services (tests running from source). */
  readonly workerUrl?: URL;
}

export function sensitivitySpec(c: SensitivityCommand): SensitivitySpec {
  const common = {
    outputs: c.outputs,
    ...(c.seed !== undefined ? { seed: c.seed } : {}),
    ...(c.percentiles ? { percentiles: c.percentiles } : {}),
    ...(c.times && c.method !== 'tornado' ? { times: c.times } : {}),
    ...(c.samples !== undefined ? { samples: c.samples } : {}),
    ...(c.scatter ? { scatterTimes: c.scatter } : {}),
    ...(c.integration || c.dt !== undefined ? { settings: { ...(c.integration ? { method: c.integration } : {}), ...(c.dt !== undefined ? { dt: c.dt } : {}) } } : {}),
  };
  switch (c.method) {
    case 'mc':
    case 'lhs': {
      const method = c.method;
      return { ...common, method, runs: c.runs ?? 1000, parameters: c.params.map((p) => sampledParameter(p, method)) };
    }
    case 'oat':
      return { ...common, method: 'oat', parameters: c.params.map(sweptParameter) };
    case 'tornado':
      return { ...common, method: 'tornado', parameters: c.params.map(tornadoParameter), tornado: { output: c.outputs[0]!, ...(c.times ? { time: c.times[0]! } : {}) } };
  }
}

export async function sensitivityCommand(c: SensitivityCommand, io: CommandIo): Promise<number> {
  const read = await readModelFile(c.model);
  const compiled = compileAst(read.ast, read.diagnostics);
  for (const d of compiled.diagnostics) io.err(`${formatDiagnostic(d)}\n`);
  if (!compiled.model) return 1;
  // Workers compile model text: other formats go as our own language, as the workbench keeps imports.
  const text = extname(c.model).toLowerCase() === '.cwm' ? await readFile(c.model, 'utf8') : printModel(read.ast);
  const spec = sensitivitySpec(c);
  const workers = c.workers ?? availableParallelism();
  const runs = new RunService({ workers, ...(io.workerUrl ? { workerUrl: io.workerUrl } : {}) });
  try {
    const service = new SensitivityService(runs);
    let shown = 0;
    const progress = (s: SensitivityStatus): void => {
      if (!io.progress || s.state !== 'running' || performance.now() - shown < 100) return;
      shown = performance.now();
      io.err(`\r${s.runsDone.toLocaleString('en-GB')} of ${s.runsTotal.toLocaleString('en-GB')} runs, ${Math.round(s.runsPerSecond).toLocaleString('en-GB')} runs/s, ${seconds(s.etaMs ?? 0)} left   `);
    };
    const started = await service.start({
      text,
      file: extname(c.model).toLowerCase() === '.cwm' ? c.model : `${c.model}.cwm`,
      spec,
      ...(c.sets.length > 0 ? { scenario: { name: '--set', overrides: Object.fromEntries(c.sets.map((s) => [s.name, s.values.length === 1 ? s.values[0]! : s.values])) } } : {}),
    }, progress);
    if (!started.ok) {
      for (const p of started.problems) io.err(`cwb: ${p.message}\n`);
      for (const p of started.scenarioProblems) io.err(`cwb: --set ${p.target}: ${p.message}\n`);
      if (started.problems.length === 0 && started.scenarioProblems.length === 0) io.err(`cwb: ${started.message ?? 'the analysis could not start'}\n`);
      return 2;
    }
    const end = await service.wait(started.jobId);
    if (io.progress) io.err('\r\u001b[K');
    if (end.state !== 'done') {
      io.err(`cwb: the analysis ${end.state}${end.message ? `: ${end.message}` : ''}\n`);
      return 1;
    }
    const result = service.result(started.jobId)!;
    const csv = sensitivityCsv(result, mainTable(result));
    if (c.json) await writeFile(c.json, `${JSON.stringify({ model: c.model, spec, result }, null, 1)}\n`);
    if (c.csv) await writeFile(c.csv, csv);
    if (!c.json && !c.csv) io.out(csv);
    io.err(`cwb: ${result.completedRuns.toLocaleString('en-GB')} runs in ${seconds(end.elapsedMs)} on ${workers} worker${workers === 1 ? '' : 's'} (${Math.round(end.runsPerSecond).toLocaleString('en-GB')} runs/s)\n`);
    if (result.failedRuns > 0) {
      io.err(`cwb: ${result.failedRuns} of ${result.plannedRuns} runs stopped on NaN or infinity and are left out; the first: run ${result.failures[0]!.run}: ${result.failures[0]!.message}\n`);
      return 1;
    }
    return 0;
  } finally {
    await runs.close();
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
