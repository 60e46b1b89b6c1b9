import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateCode, parseModel, resetState } from '@sdeverywhere/compile';
import { initJsModel, Outputs, ReferencedRunModelParams, type JsModel } from '@sdeverywhere/runtime';
import { compileC, type CProgram } from './gcc.js';

/**
 * SDEverywhere (npm @sdeverywhere/compile 0.7) on the same .mdl text, through its API: generate
 * JavaScript and run it with @sdeverywhere/runtime, or generate C and compile it with gcc against
 * the small runtime in bench/sde-c.
 */

const here = dirname(fileURLToPath(import.meta.url));
const SDE_C_DIR = resolve(here, here.includes('/dist/') ? '../../bench/sde-c' : 'sde-c');

export function generateSde(mdl: string, target: 'js' | 'c'): string {
  resetState(); // its model state is module-level
  const dir = tmpdir();
  return generateCode(parseModel(mdl, 'vensim', dir), { spec: {}, operations: [target === 'js' ? 'generateJS' : 'generateC'], extData: new Map(), directData: new Map(), modelDirname: dir });
}

export interface SdeJs {
  /** Generation plus loading the module: what it takes to get a runnable model from the text. */
  readonly compileMs: number;
  /** One run; returns SDEverywhere's own measure of the run (excluding copying into its Series). */
  run(): number;
  /** Saved values of a variable by SDEverywhere id (`_stock_1`, `_population[_a1,_b1]`). */
  series(id: string): Float64Array | undefined;
  readonly ids: readonly string[];
}

let loads = 0;

export async function loadSdeJs(mdl: string): Promise<SdeJs> {
  const t0 = performance.now();
  const code = generateSde(mdl, 'js');
  const dir = mkdtempSync(join(tmpdir(), 'cwb-sde-'));
  const file = join(dir, `model${loads++}.mjs`);
  writeFileSync(file, code);
  const factory = (await import(pathToFileURL(file).href)) as { default: () => Promise<JsModel> };
  const model = await factory.default();
  const runnable = initJsModel(model);
  const compileMs = performance.now() - t0;
  rmSync(dir, { recursive: true, force: true });
  const outputs = new Outputs(model.outputVarIds, model.getInitialTime(), model.getFinalTime(), model.getSaveFreq());
  const params = new ReferencedRunModelParams();
  params.updateFromParams([], outputs);
  return {
    compileMs,
    ids: model.outputVarIds,
    run() {
      runnable.runModel(params);
      return params.getElapsedTime() ?? Number.NaN;
    },
    series(id: string) {
      const s = outputs.getSeriesForVar(id);
      return s ? Float64Array.from(s.points, (p) => p.y) : undefined;
    },
  };
}

export interface SdeC {
  readonly generateMs: number;
  readonly program: CProgram;
}

/** SDEverywhere's C, compiled with gcc -O2 against bench/sde-c. */
export function compileSdeC(mdl: string): SdeC {
  const t0 = performance.now();
  const code = generateSde(mdl, 'c');
  const generateMs = performance.now() - t0;
  return { generateMs, program: compileC(code, [join(SDE_C_DIR, 'main.c')], [SDE_C_DIR]) };
}

/** Series of output `index` from the C program's buffer (outputs × saved points). */
export function sdeCSeries(values: Float64Array, outputs: number, index: number): Float64Array {
  const n = values.length / outputs;
  return values.slice(index * n, (index + 1) * n);
}

/** SDEverywhere's id for one of our series names: `stock 1` → `_stock_1`, `x[A1,B2]` → `_x[_a1,_b2]`. */
export function sdeId(name: string): string {
  const part = (s: string): string => `_${s.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
  const m = /^(.*)\[(.*)\]$/.exec(name);
  return m ? `${part(m[1]!)}[${m[2]!.split(',').map(part).join(',')}]` : part(name);
}

export const readText = (path: string): string => readFileSync(path, 'utf8');
