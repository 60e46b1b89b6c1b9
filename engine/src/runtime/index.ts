import * as f from './functions.js';

/** The functions generated code may call, by the short names it uses. */
export const RUNTIME_FUNCTIONS = {
  abs: Math.abs,
  exp: Math.exp,
  ln: Math.log,
  log10: Math.log10,
  sqrt: Math.sqrt,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  int: Math.floor,
  round: f.round,
  mod: f.mod,
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
  safediv: f.safediv,
  step: f.step,
  pulse: f.pulse,
  ramp: f.ramp,
  lookupContinuous: f.lookupContinuous,
  lookupExtrapolate: f.lookupExtrapolate,
  lookupDiscrete: f.lookupDiscrete,
  uniform01: f.uniform01,
  streamForSeedArgument: f.streamForSeedArgument,
  randUniform: f.randUniform,
  randNormal: f.randNormal,
  randLognormal: f.randLognormal,
  randExponential: f.randExponential,
  randPoisson: f.randPoisson,
  delayOutput: f.delayOutput,
} as const;

export type RuntimeFunctionName = keyof typeof RUNTIME_FUNCTIONS;
