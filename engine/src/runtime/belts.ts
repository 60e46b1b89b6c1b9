import { ConveyorState, type ConveyorShape } from './conveyor.js';
import { QueueState, type QueueShape } from './queue.js';
import type { BeltOp } from '../ir/ir.js';
import type { RUNTIME_FUNCTIONS } from './index.js';

/** What a conveyor or queue needs to know before the run (fixed by the model's structure). */
export type BeltShape = ConveyorShape | QueueShape;
export type BeltState = ConveyorState | QueueState;

/** Every step of a conveyor or queue, seen from the kernels: (state, step, DT, index, numbers…) → number. */
export type BeltFunction = (state: BeltState, k: number, dt: number, index: number, ...args: number[]) => number;

/** Fresh state for every conveyor and queue element of a run of `steps` time steps. */
export function createBelts(shapes: readonly BeltShape[], steps: number): BeltState[] {
  return shapes.map((s) => (s.kind === 'conveyor' ? new ConveyorState(s, steps + 1) : new QueueState(s)));
}

/** The runtime function behind each step of a conveyor or queue (all three kernels call the same ones). */
export const BELT_FUNCTION = {
  'conveyor-init': 'conveyorInit',
  'conveyor-step': 'conveyorStep',
  'conveyor-level': 'conveyorLevel',
  'conveyor-leak': 'conveyorLeak',
  'conveyor-out': 'conveyorOut',
  'conveyor-room': 'conveyorRoom',
  'conveyor-admit': 'conveyorAdmit',
  'queue-init': 'queueInit',
  'queue-level': 'queueLevel',
  'queue-take': 'queueTake',
  'queue-overflow': 'queueOverflow',
  'queue-add': 'queueAdd',
} as const satisfies Record<BeltOp, keyof typeof RUNTIME_FUNCTIONS>;
