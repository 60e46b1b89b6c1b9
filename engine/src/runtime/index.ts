import * as f from './functions.js';
import * as vec from './vector.js';
import * as t from './truncated.js';
import * as tm from './truncated-more.js';
import * as vl from './vector-lookup.js';
import type { VectorOp } from '../ir/ir.js';
import * as cv from './conveyor.js';
import * as qu from './queue.js';

/** Vector functions by IR operation: (index of the result element, vectors, numbers) → number. */
export const VECTOR_FUNCTIONS: Readonly<Record<VectorOp, (cache: vec.VectorCache, index: number, vectors: readonly (readonly number[])[], args: readonly number[]) => number>> = {
  sortorder: vec.vectorSortOrder,
  rank: vec.vectorRank,
  reorder: vec.vectorReorder,
  select: vec.vectorSelect,
  elmmap: vec.vectorElmMap,
  lookup: vl.vectorLookup,
  allocate: vec.allocateByPriority,
  invert: vec.invertMatrix,
};

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
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
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
  randTruncNormal: t.randTruncNormal,
  randTruncExponential: t.randTruncExponential,
  randTruncPoisson: t.randTruncPoisson,
  randTruncLognormal: t.randTruncLognormal,
  randTriangular: t.randTriangular,
  randTruncGamma: tm.randTruncGamma,
  randTruncBeta: tm.randTruncBeta,
  randTruncWeibull: tm.randTruncWeibull,
  randTruncBinomial: tm.randTruncBinomial,
  randTruncNegativeBinomial: tm.randTruncNegativeBinomial,
  randLookup: tm.randLookup,
  delayOutput: f.delayOutput,
  vectorSortOrder: vec.vectorSortOrder,
  vectorRank: vec.vectorRank,
  vectorReorder: vec.vectorReorder,
  vectorSelect: vec.vectorSelect,
  vectorElmMap: vec.vectorElmMap,
  vectorPick: vec.vectorPick,
  vectorLookup: vl.vectorLookup,
  allocateByPriority: vec.allocateByPriority,
  invertMatrix: vec.invertMatrix,
  conveyorInit: cv.conveyorInit,
  conveyorStep: cv.conveyorStep,
  conveyorLevel: cv.conveyorLevel,
  conveyorLeak: cv.conveyorLeak,
  conveyorOut: cv.conveyorOut,
  conveyorRoom: cv.conveyorRoom,
  conveyorAdmit: cv.conveyorAdmit,
  queueInit: qu.queueInit,
  queueLevel: qu.queueLevel,
  queueTake: qu.queueTake,
  queueOverflow: qu.queueOverflow,
  queueAdd: qu.queueAdd,
} as const;

export type RuntimeFunctionName = keyof typeof RUNTIME_FUNCTIONS;
