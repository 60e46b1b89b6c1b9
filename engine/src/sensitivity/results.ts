import type { SensitivityMethod } from './spec.js';

/**
 * The results of a sensitivity analysis as plain JSON (numbers and nulls, no typed arrays), the
 * shape the services store and the workbench charts. `null` marks a value that does not exist (no
 * run reached that time, a correlation of something that does not vary, a failed run).
 */
export interface SensitivityResult {
  readonly method: SensitivityMethod;
  readonly seed: number;
  /** False when the analysis was cancelled: the statistics cover the runs completed before that. */
  readonly complete: boolean;
  readonly plannedRuns: number;
  /** Runs finished without a problem (the runs every statistic is over). */
  readonly completedRuns: number;
  readonly failedRuns: number;
  /** The first runs that stopped on NaN or infinity, with their parameter values. */
  readonly failures: readonly RunFailure[];
  readonly timeUnit?: string;
  readonly parameters: readonly ResultParameter[];
  /** Times the statistics are at (one entry per element of every OutputStatistics array). */
  readonly times: readonly number[];
  readonly percentiles: readonly number[];
  readonly outputs: readonly OutputStatistics[];
  /** Every saved time of a run (the x axis of the sample series). */
  readonly savedTimes: readonly number[];
  readonly samples: readonly SampleRun[];
  readonly scatter?: ScatterData;
  readonly correlations: readonly Correlation[];
  readonly tornado?: TornadoResult;
  readonly sweeps?: readonly Sweep[];
}

export interface ResultParameter {
  readonly name: string;
  readonly variable: string;
  /** Every element the parameter sets (`rate[85+]`), with its value in the base run. */
  readonly elements: readonly string[];
  readonly base: readonly number[];
  readonly scale: boolean;
  readonly description: string;
}

export interface RunFailure {
  readonly run: number;
  /** One per parameter; null where it stayed at base. */
  readonly parameters: readonly (number | null)[];
  readonly message: string;
}

/** One output (variable or element): each array has one entry per time in `times`. */
export interface OutputStatistics {
  readonly name: string;
  readonly variable: string;
  readonly units?: string;
  readonly count: readonly number[];
  readonly mean: readonly (number | null)[];
  /** Sample standard deviation (n − 1). */
  readonly sd: readonly (number | null)[];
  readonly min: readonly (number | null)[];
  readonly max: readonly (number | null)[];
  /** One entry per requested percentile, in the order of `percentiles`. */
  readonly percentiles: readonly { readonly p: number; readonly values: readonly (number | null)[] }[];
}

export interface SampleRun {
  readonly run: number;
  readonly parameters: readonly (number | null)[];
  /** One per output, over `savedTimes`. */
  readonly series: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
}

/** Every completed run's parameter values and outputs at the scatter times. */
export interface ScatterData {
  readonly runs: readonly number[];
  /** One column per parameter, one entry per run (null: at base). */
  readonly parameters: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
  /** One column per output and time, one entry per run. */
  readonly outputs: readonly { readonly name: string; readonly time: number; readonly values: readonly (number | null)[] }[];
}

export interface Correlation {
  readonly parameter: string;
  readonly output: string;
  readonly time: number;
  readonly pearson: number | null;
  readonly spearman: number | null;
}

export interface TornadoBar {
  readonly parameter: string;
  /** The parameter's low and high values (scale factors for scaled parameters). */
  readonly low: number;
  readonly high: number;
  readonly outputLow: number | null;
  readonly outputHigh: number | null;
  /** |outputHigh − outputLow|; null when a run failed. */
  readonly swing: number | null;
  /** 1 for the largest swing. */
  readonly rank: number;
}

export interface TornadoResult {
  readonly output: string;
  readonly time: number;
  readonly base: number | null;
  /** Largest swing first. */
  readonly bars: readonly TornadoBar[];
}

/** One parameter swept with the others at base: each output at each time, per value. */
export interface Sweep {
  readonly parameter: string;
  readonly values: readonly number[];
  readonly outputs: readonly {
    readonly name: string;
    readonly time: number;
    /** The base run's value. */
    readonly base: number | null;
    /** One per swept value. */
    readonly values: readonly (number | null)[];
  }[];
}
