import { condition, setHandler } from '@temporalio/workflow';
import { StatesError, StatesErrors } from '../engine/core/errors';
import { taskCallbackUpdate, taskHeartbeatUpdate, taskStartedSignal, type TaskCallback } from './messages';

/** One Task waiting for SendTaskSuccess/Failure (or an activity worker). */
interface Waiting {
  outcome?: TaskCallback;
  /** Workflow time of the last heartbeat (or of the start of the wait). */
  heartbeatAt: number;
  /** Bumped on every heartbeat, so a waiting condition wakes up. */
  beats: number;
  started?: { at: number; workerName?: string };
}

/**
 * The tasks of this execution waiting for a callback, keyed by the token nonce, and the message
 * handlers that complete them. Messages for a token nobody waits for are rejected, so the API
 * answers `TaskTimedOut` (the task ended, timed out, or the token was already used).
 */
export class CallbackRegistry {
  private readonly waiting = new Map<string, Waiting>();

  constructor() {
    setHandler(
      taskCallbackUpdate,
      (callback) => {
        const entry = this.waiting.get(callback.nonce) as Waiting;
        entry.outcome = callback;
      },
      { validator: (callback) => this.mustWait(callback.nonce) },
    );
    setHandler(
      taskHeartbeatUpdate,
      ({ nonce }) => {
        const entry = this.waiting.get(nonce) as Waiting;
        entry.heartbeatAt = Date.now();
        entry.beats++;
      },
      { validator: ({ nonce }) => this.mustWait(nonce) },
    );
    setHandler(taskStartedSignal, ({ nonce, workerName }) => {
      const entry = this.waiting.get(nonce);
      if (entry && !entry.started) {
        entry.started = { at: Date.now(), workerName };
        entry.heartbeatAt = Date.now();
        entry.beats++;
      }
    });
  }

  private mustWait(nonce: string): void {
    const entry = this.waiting.get(nonce);
    if (!entry || entry.outcome) throw new Error('Task Timed Out: Provided task does not exist anymore');
  }

  /** Starts waiting for `nonce` (call before anything can answer it). */
  open(nonce: string): void {
    this.waiting.set(nonce, { heartbeatAt: Date.now(), beats: 0 });
  }

  /** Stops waiting: later messages for `nonce` are rejected. */
  close(nonce: string): void {
    this.waiting.delete(nonce);
  }

  /** When an activity worker took the task (if it did). */
  startedOf(nonce: string): { at: number; workerName?: string } | undefined {
    return this.waiting.get(nonce)?.started;
  }

  /**
   * Waits for the callback: SendTaskSuccess returns its output, SendTaskFailure throws its error;
   * past `TimeoutSeconds` (from `scheduledAt`) → `States.Timeout`, past `HeartbeatSeconds`
   * without a heartbeat → `States.HeartbeatTimeout`.
   */
  async wait(nonce: string, scheduledAt: number, timeoutSeconds?: number, heartbeatSeconds?: number): Promise<unknown> {
    const entry = this.waiting.get(nonce) as Waiting;
    for (;;) {
      if (entry.outcome) {
        const outcome = entry.outcome;
        if ('output' in outcome) return outcome.output;
        throw new StatesError(outcome.error ?? '', outcome.cause ?? '');
      }
      const deadline = timeoutSeconds === undefined ? Infinity : scheduledAt + timeoutSeconds * 1000;
      const heartbeatDeadline = heartbeatSeconds === undefined ? Infinity : entry.heartbeatAt + heartbeatSeconds * 1000;
      const until = Math.min(deadline, heartbeatDeadline);
      const beats = entry.beats;
      const woke = await (until === Infinity
        ? condition(() => entry.outcome !== undefined || entry.beats !== beats).then(() => true)
        : condition(() => entry.outcome !== undefined || entry.beats !== beats, Math.max(1, until - Date.now())));
      if (woke) continue;
      if (Date.now() >= deadline) throw new StatesError(StatesErrors.Timeout, '');
      if (Date.now() >= heartbeatDeadline) throw new StatesError(StatesErrors.HeartbeatTimeout, '');
    }
  }
}
