import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  log,
  makeContinueAsNewFunc,
  patched,
  proxyLocalActivities,
  proxyActivities,
  setHandler,
  sleep,
  TimeoutFailure,
  Trigger,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { createActivities, createFunctionActivities } from '../activities';
import type { InvokeFunctionResult } from '../activities/contracts';
import type { HistoryEvent } from '../schemas/history';
import { StatesError, StatesErrors } from '../engine/core/errors';
import {
  HistoryRecorder,
  runExecution,
  type Abandonment,
  type ExecutionHandle,
  type ExecutionRun,
  type InterpreterHost,
  type ResumePoint,
  type TaskInvocation,
} from '../engine/core/interpreter';
import { effectiveHistoryCap } from '../engine/core/interpreter/bounds';
import { redelivered } from '../engine/core/interpreter/task-events';
import { MAX_PENDING_EVENTS } from '../engine/core/interpreter/machine';
import { CallbackRegistry } from './callbacks';
import { historyExhausted, shouldContinueAsNew, thresholdsOf } from './continue-as-new';
import { encodeEventRows, enteredStates } from './history-rows';
import { runChildExecution, WaitingChildren } from './children';
import { distributedMapRuns } from './map-run-host';
import { routeResource } from './resources';
import { stateEventObserver } from './state-observer';
import {
  FUNCTION_NOT_STARTED,
  functionsTaskQueue,
  stopSignal,
  type ExecutionWorkflowInput,
  type StopRequest,
  type WorkflowOutcome,
} from './messages';

type Activities = ReturnType<typeof createActivities>;
type FunctionActivities = ReturnType<typeof createFunctionActivities>;

/** ASL's default Task `TimeoutSeconds` (effectively unbounded). */
const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
/**
 * Heartbeat timeout used when the state sets no `HeartbeatSeconds`: the activity heartbeats by
 * itself, so a crashed worker is noticed in this time and the attempt is redelivered.
 */
const LIVENESS_HEARTBEAT_SECONDS = 10;

/** How bookkeeping (history writes) is retried: until it succeeds. */
const BOOKKEEPING_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' };

/** Bookkeeping as regular activities: what executions started before LOCAL_BOOKKEEPING used. */
const bookkeeping = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: BOOKKEEPING_RETRY });

/**
 * Bookkeeping as local activities: no activity task round trip, one marker in Temporal's
 * history, and — what matters most — the events they carry never enter that history (Temporal
 * refuses payloads over 2 MiB, which a long loop's or a large payload's events would exceed).
 */
const localBookkeeping = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: BOOKKEEPING_RETRY,
});

/** Patch id: history writes became local activities; executions recorded before keep the old ones on replay. */
const LOCAL_BOOKKEEPING = 'local-bookkeeping-v1';

/**
 * Patch id: a run of SYNC_STEPS_BEFORE_YIELD states that never waited yields with a 1 ms timer, so
 * the execution's timeout and a stop are seen in a tight Pass/Choice loop. Executions recorded
 * before never yield on replay.
 */
const YIELD_IN_SYNC_LOOPS = 'yield-in-sync-loops-v1';

/**
 * Patch id: an execution runs at most MAX_CONCURRENT_BRANCHES branches at once (Temporal refuses
 * more than 2,000 pending activities). Asked only when the bound would change what runs, so
 * executions recorded before keep the lanes they had.
 */
const BOUNDED_BRANCHES = 'bounded-branches-v1';

/**
 * Patch id: an execution whose Parallel or Map asks for more than ACTIVATION_BUDGET lanes is paced
 * (engine/core/interpreter/bounds.ts): at most PACED_CONCURRENT_BRANCHES branches in flight, and
 * no workflow activation starts or takes up more than ACTIVATION_BUDGET states and completions
 * (past it a 1 ms timer ends the workflow task). An inline Map of 5,000 Tasks otherwise started
 * 1,000 iterations in one activation, past the worker's 5 s activation limit on a loaded machine.
 * Asked only at such a fan-out, so executions recorded before replay unpaced.
 */
const PACED_ACTIVATIONS = 'scale-paced-activations-v1';

/**
 * Patch id: history is written in bulk. Each write is one local activity whose events are
 * serialised once, here, into the rows' JSON text and passed as bytes (see history-rows.ts); a
 * long Pass/Choice loop writes every BULK_FLUSH_EVENTS events (or BULK_FLUSH_CHARS of payload
 * text) instead of every MAX_PENDING_EVENTS, and the closing write is one statement. (Its yields
 * stay every SYNC_STEPS_BEFORE_YIELD states: a longer workflow task times out on a loaded worker.) Executions recorded before keep
 * their writes, yields and activities on replay.
 */
const BULK_HISTORY = 'bulk-history-v1';

/** Events a long loop lets pile up before the host writes them (BULK_HISTORY). */
const BULK_FLUSH_EVENTS = 8_000;

/** Payload characters a long loop lets pile up before the host writes them (BULK_HISTORY). */
const BULK_FLUSH_CHARS = 2 * 1024 * 1024;

/**
 * Patch id (under BULK_HISTORY): the pending payload is sized after every state, not every 500
 * events, and a write that BULK_FLUSH_CHARS forced ends the workflow task with a 1 ms timer. A loop
 * over a large payload (150 KiB × 600 states is 180 MB of event text) otherwise built one workflow
 * task longer than Temporal's 10 s timeout, retried from the start until the execution failed.
 */
const BULK_SIZED = 'bulk-history-sized-v1';

/** Under BULK_SIZED: pending events after which the interpreter offers the host a flush (it sizes them). */
const SIZED_FLUSH_EVENTS = 16;

/**
 * Patch id: one patch marker stands for every patch id of this file (LOCAL_BOOKKEEPING,
 * YIELD_IN_SYNC_LOOPS, BOUNDED_BRANCHES, PACED_ACTIVATIONS, BULK_HISTORY, BULK_SIZED,
 * FUNCTION_HOST, STATE_SPANS). Each `patched()` costs a marker and a `TemporalChangeVersion`
 * upsert (two history events and a visibility write); a chain execution asked four of them. An
 * execution that records this marker takes every one of them as patched without asking; one
 * recorded before asks each, as it did.
 */
const CONSOLIDATED_PATCHES = 'consolidated-patches-v1';

/** ExecutionWorkflowInput.features from which CONSOLIDATED_PATCHES is in effect without its marker. */
const CONSOLIDATED_FEATURES = 1;

/**
 * Above this (JSON characters), pending events are written by a local activity before a Task
 * instead of riding along in the function activity's input (which Temporal stores in history).
 */
const PIGGYBACK_LIMIT_CHARS = 128 * 1024;

/**
 * Characters of the payload texts (`input`, `output`, `parameters`, …) the events carry: what
 * makes them large, counted without serialising the events a second time on every Task.
 */
function payloadChars(events: readonly HistoryEvent[]): number {
  let chars = 0;
  for (const event of events) {
    for (const [key, details] of Object.entries(event)) {
      if (!key.endsWith('EventDetails') || typeof details !== 'object' || details === null) continue;
      for (const value of Object.values(details)) if (typeof value === 'string') chars += value.length;
    }
  }
  return chars;
}

/** Activity options for one Task invocation: ASL timeouts map onto Temporal's. */
function taskOptions(invocation: TaskInvocation): ActivityOptions {
  const timeout = `${invocation.timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS} seconds`;
  const userHeartbeat = invocation.heartbeatSeconds !== undefined;
  return {
    scheduleToCloseTimeout: timeout,
    startToCloseTimeout: timeout,
    heartbeatTimeout: `${invocation.heartbeatSeconds ?? LIVENESS_HEARTBEAT_SECONDS} seconds`,
    // ASL Retry is applied by the interpreter. Temporal only redelivers an attempt lost with a
    // crashed worker (function errors are non-retryable ApplicationFailures); a user-set
    // HeartbeatSeconds must surface as States.HeartbeatTimeout instead.
    retry: userHeartbeat
      ? { maximumAttempts: 1 }
      : { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
  };
}

/**
 * Patch id: functions run on the function host's task queue (`<queue>-functions`), each delivery
 * is one activity attempt, and a delivery lost with its host is delivered again by the workflow,
 * visibly (see runHostedFunction); the Task's `…Started` is written when the function starts.
 * Executions recorded before keep the workflow queue on replay (their invocations are forwarded
 * to the function host by the workflow worker's `invokeFunction`).
 */
const FUNCTION_HOST = 'function-host-v1';

/**
 * Patch id: every state gets a trace span (the telemetry interceptor's state observer sees the
 * history as it is emitted). Span ids draw on the workflow's random source, as the interpreter
 * does (nested execution names, `States.UUID`), so executions recorded before keep their draws.
 */
const STATE_SPANS = 'state-spans-v1';

/** How many deliveries of one invocation a lost function host may cost before the Task fails. */
const MAX_FUNCTION_DELIVERIES = 5;

/** The ASL error of a Task whose function host was lost MAX_FUNCTION_DELIVERIES times. */
const HOST_LOST_ERROR = 'Lambda.ServiceException';

/** Activity options of one delivery to the function host: the Task's remaining time, no Temporal retry. */
function hostedOptions(invocation: TaskInvocation, remainingMs: number): ActivityOptions {
  const timeout = `${Math.max(1, Math.ceil(remainingMs / 1000))} seconds`;
  return {
    taskQueue: functionsTaskQueue(workflowInfo().taskQueue),
    scheduleToCloseTimeout: timeout,
    startToCloseTimeout: timeout,
    // The host heartbeats from its own event loop, which no function blocks: a missed heartbeat
    // means the host was lost, never that the function was busy.
    heartbeatTimeout: `${invocation.heartbeatSeconds ?? LIVENESS_HEARTBEAT_SECONDS} seconds`,
    retry: { maximumAttempts: 1 },
  };
}

/** True when an invocation's host stopped heartbeating (killed, crashed, cut off). */
function hostLost(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof TimeoutFailure && err.cause.timeoutType === 'HEARTBEAT';
}

/** True when the host could not start the function (nothing ran; safe to deliver again). */
function notStarted(err: unknown): boolean {
  return (
    err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === FUNCTION_NOT_STARTED
  );
}

/** `lambdaFunctionStarted` → `lambdaFunctionStartedEventDetails`: the details member of an event type. */
/**
 * Runs `work` in its own cancellation scope, cancelled when the interpreter abandons the branch
 * (a sibling failed, the execution timed out): the activity or timer is cancelled in Temporal
 * instead of running on unobserved.
 */
function cancellable<T>(abandoned: Abandonment | undefined, work: () => Promise<T>): Promise<T> {
  if (!abandoned) return work();
  const scope = new CancellationScope();
  const unsubscribe = abandoned.onRaise(() => scope.cancel());
  return scope.run(work).finally(unsubscribe);
}

/** Maps an activity failure onto the ASL error it stands for. */
function toStatesError(err: unknown): StatesError {
  if (err instanceof StatesError) return err;
  const failure = err instanceof ActivityFailure ? err.cause : err;
  if (failure instanceof ApplicationFailure) return new StatesError(failure.type ?? 'Error', failure.message);
  if (failure instanceof TimeoutFailure) {
    return failure.timeoutType === 'HEARTBEAT'
      ? new StatesError(StatesErrors.HeartbeatTimeout, '')
      : new StatesError(StatesErrors.Timeout, '');
  }
  return new StatesError(StatesErrors.TaskFailed, err instanceof Error ? err.message : String(err));
}

/**
 * The one generic workflow: interprets the execution's plan. Task states run as activities,
 * Wait states and retry intervals are durable timers; history events reach Postgres with the
 * next activity (never one write per state) and at completion.
 */
export async function stepflowExecution(start: ExecutionWorkflowInput): Promise<WorkflowOutcome | StoredOutcome> {
  // Started with the features (no marker), or asked first, before any command, so that the
  // marker is recorded (or, on an older history, absent) at the same place.
  const consolidated = (start.features ?? 0) >= CONSOLIDATED_FEATURES || patched(CONSOLIDATED_PATCHES);
  /** Whether a patch id of this file is in effect: by the CONSOLIDATED_PATCHES marker, or by its own. */
  const isPatched = (id: string): boolean => consolidated || patched(id);
  /** The bookkeeping this execution uses (see LOCAL_BOOKKEEPING). */
  const writer = (): typeof bookkeeping => (isPatched(LOCAL_BOOKKEEPING) ? localBookkeeping : bookkeeping);
  // A Map Run's child reads its plan and input from the store (they never travel through the Map Run's history).
  const args = start.mapRunChild
    ? { ...start, ...(await localBookkeeping.loadMapRunChild({ executionId: start.executionId })) }
    : start;
  const { executionId } = args;
  const stop = new Trigger<StopRequest>();
  let stopRequest: StopRequest | undefined;
  setHandler(stopSignal, (request) => {
    stopRequest ??= request;
    stop.resolve(request);
  });
  const callbacks = new CallbackRegistry();
  const children = new WaitingChildren();
  /** The execution's history recorder: the interpreter emits into it, this workflow writes from it. */
  const spans = isPatched(STATE_SPANS) ? stateEventObserver() : undefined;
  const recorder = new HistoryRecorder(() => Date.now(), spans && ((event) => spans.observe(event)));
  const bulk = isPatched(BULK_HISTORY);
  const sized = bulk && isPatched(BULK_SIZED);
  /** Writes events: in bulk (one serialisation, bytes) or, for executions recorded before, as objects. */
  const write = async (events: HistoryEvent[]): Promise<void> => {
    if (bulk)
      await localBookkeeping.writeHistory({ executionId, entered: enteredStates(events) }, encodeEventRows(events));
    else await writer().recordEvents({ executionId, events });
  };
  /** Under BULK_HISTORY: the length of the pending events last sized (see flush). */
  let sizedAt = 0;
  /** Under BULK_SIZED: the payload characters of the pending events up to `sizedAt`. */
  let sizedChars = 0;

  /**
   * A function invocation on the function host. Each delivery is one activity attempt; when its
   * host is lost (no heartbeat), the workflow records the next delivery — a new `…Started` event
   * with `attempt` and `cause` (or `FunctionRedelivered` for a compensation step) — and delivers
   * it again with the same idempotency key, within the Task's `TimeoutSeconds`. An invocation the
   * host could not start is delivered again after a back-off, unrecorded (nothing ran).
   */
  const runHostedFunction = async (
    invocation: TaskInvocation,
    carried: HistoryEvent[],
  ): Promise<InvokeFunctionResult> => {
    const deadline = Date.now() + (invocation.timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS) * 1000;
    let pendingEvents = carried;
    if (
      pendingEvents.length > 0 &&
      payloadChars(pendingEvents) > PIGGYBACK_LIMIT_CHARS &&
      isPatched(LOCAL_BOOKKEEPING)
    ) {
      // The Task's `…Started` stays with the invocation: the host writes it when the function starts.
      await write(pendingEvents.filter((event) => event.id !== invocation.startedEventId));
      pendingEvents = pendingEvents.filter((event) => event.id === invocation.startedEventId);
    }
    const firstStarted = pendingEvents.find((event) => event.id === invocation.startedEventId);
    let startedEventId = invocation.startedEventId;
    let lastEventId = startedEventId ?? pendingEvents.at(-1)?.id ?? recorder.lastId;
    let backoffMs = 1_000;
    for (let attempt = 1; ;) {
      const { invokeFunction } = proxyActivities<FunctionActivities>(hostedOptions(invocation, deadline - Date.now()));
      try {
        return await invokeFunction({
          executionId,
          stateName: invocation.stateName,
          functionName: invocation.functionName,
          payload: invocation.payload,
          idempotencyKey: invocation.idempotencyKey,
          pendingEvents,
          attempt,
          ...(startedEventId !== undefined ? { startedEventId } : {}),
          ...(invocation.taskToken ? { taskToken: invocation.taskToken } : {}),
        });
      } catch (err) {
        const lost = hostLost(err);
        if (notStarted(err) && Date.now() + backoffMs < deadline) {
          await sleep(backoffMs);
          backoffMs = Math.min(backoffMs * 2, 10_000);
          continue;
        }
        if (!lost || attempt >= MAX_FUNCTION_DELIVERIES || Date.now() >= deadline) {
          // A delivery that timed out may never have reached a host: its events go out with the
          // next write (idempotent if the host wrote them), so the history has no gap.
          if (err instanceof ActivityFailure && err.cause instanceof TimeoutFailure) recorder.restore(pendingEvents);
          if (lost && Date.now() >= deadline) throw new StatesError(StatesErrors.Timeout, '');
          if (lost) {
            const cause = JSON.stringify({
              errorType: HOST_LOST_ERROR,
              errorMessage: `The function host was lost during each of ${attempt} deliveries`,
            });
            throw new StatesError(HOST_LOST_ERROR, cause);
          }
          throw err;
        }
        attempt += 1;
        const cause = `The function host was lost during delivery ${attempt - 1}; the function runs again with the same idempotency key.`;
        if (firstStarted) {
          startedEventId = recorder.emit(lastEventId, redelivered(firstStarted, attempt, cause));
          lastEventId = startedEventId;
        } else {
          lastEventId = recorder.emit(lastEventId, {
            type: 'FunctionRedelivered',
            functionRedeliveredEventDetails: { functionName: invocation.functionName, attempt, cause },
          });
        }
        // The earlier deliveries' events again (idempotent: a lost host may not have written them) and the new ones.
        pendingEvents = [...pendingEvents, ...recorder.takePending()];
      }
    }
  };

  /** A function invocation (its result, or with a token what it returned on taking it), carrying `carried`. */
  const runDefaultFunction = async (invocation: TaskInvocation, carried: HistoryEvent[]) => {
    if (isPatched(FUNCTION_HOST)) return runHostedFunction(invocation, carried);
    const { invokeFunction } = proxyActivities<Activities>(taskOptions(invocation));
    let pendingEvents = carried;
    if (
      pendingEvents.length > 0 &&
      payloadChars(pendingEvents) > PIGGYBACK_LIMIT_CHARS &&
      isPatched(LOCAL_BOOKKEEPING)
    ) {
      await write(pendingEvents);
      pendingEvents = [];
    }
    return invokeFunction({
      executionId,
      stateName: invocation.stateName,
      functionName: invocation.functionName,
      payload: invocation.payload,
      idempotencyKey: invocation.idempotencyKey,
      pendingEvents,
      ...(invocation.taskToken ? { taskToken: invocation.taskToken } : {}),
    });
  };

  /** A Task's resource, as the execution's bindings route it (see workflows/resources.ts). */
  const resources = {
    executionId,
    functionsQueue: functionsTaskQueue(workflowInfo().taskQueue),
    ...(args.bindings ? { bindings: args.bindings } : {}),
    write,
  };
  const runFunction = (invocation: TaskInvocation, carried: HistoryEvent[]) =>
    routeResource(resources, invocation, carried, runDefaultFunction) ?? runDefaultFunction(invocation, carried);

  /**
   * The callback pattern (`.waitForTaskToken`, activity ARNs): hand the token out — to the
   * function, or to the activity's workers through the queue — then wait for SendTask*.
   */
  const runWithCallback = async (invocation: TaskInvocation, token: string, carried: HistoryEvent[]) => {
    const scheduledAt = Date.now();
    callbacks.open(token);
    try {
      let submitted: unknown;
      let startedAt = scheduledAt;
      if (invocation.kind === 'activity') {
        await bookkeeping.enqueueActivityTask({
          executionId,
          activityName: invocation.functionName,
          taskToken: token,
          input: invocation.payload,
          timeoutSeconds: invocation.timeoutSeconds,
          pendingEvents: carried,
        });
      } else {
        ({ result: submitted, startedAt } = await runFunction(
          { ...invocation, heartbeatSeconds: undefined, timeoutSeconds: undefined },
          carried,
        ));
      }
      const result = await callbacks.wait(token, scheduledAt, invocation.timeoutSeconds, invocation.heartbeatSeconds);
      const started = callbacks.startedOf(token);
      return { result, startedAt: started?.at ?? startedAt, submitted, workerName: started?.workerName };
    } finally {
      callbacks.close(token);
    }
  };

  /**
   * Events handed to a Task's delivery that has not confirmed writing them: a delivery cancelled
   * before any worker took it (a sibling branch failed, the execution stopped) never wrote them.
   * They are written again, idempotently, when the execution closes, so its history has no gap.
   */
  const unconfirmed = new Set<HistoryEvent[]>();
  /** The closing write's events: the unconfirmed ones and `events`, once each, in id order. */
  const closingEvents = (events: HistoryEvent[]): HistoryEvent[] => {
    if (unconfirmed.size === 0) return events;
    const byId = new Map<number, HistoryEvent>();
    for (const batch of unconfirmed) for (const event of batch) byId.set(event.id, event);
    for (const event of events) byId.set(event.id, event);
    return [...byId.values()].sort((a, b) => a.id - b.id);
  };

  const host: InterpreterHost = {
    history: recorder,
    recordsTaskStart: () => isPatched(FUNCTION_HOST),
    now: () => Date.now(),
    random: () => Math.random(),
    async invokeTask(invocation) {
      // What the recorder holds goes with the invocation (written when the function starts).
      const carried = invocation.detached ? [] : recorder.takePending();
      if (carried.length > 0) unconfirmed.add(carried);
      try {
        const token = invocation.taskToken;
        let outcome: Awaited<ReturnType<InterpreterHost['invokeTask']>>;
        if (invocation.kind === 'execution') {
          const parent = {
            executionId,
            executionArn: args.execution.id,
            callbacks,
            children,
            ...(args.limits ? { limits: args.limits } : {}),
            ...(args.bindings ? { bindings: args.bindings } : {}),
          };
          outcome = await cancellable(invocation.abandoned, () => runChildExecution(parent, invocation, carried));
        } else {
          outcome = await cancellable(invocation.abandoned, () =>
            token ? runWithCallback(invocation, token, carried) : runFunction(invocation, carried),
          );
        }
        unconfirmed.delete(carried);
        return outcome;
      } catch (err) {
        // A failure the function itself raised means its delivery ran, and wrote what it carried.
        if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) unconfirmed.delete(carried);
        throw toStatesError(err);
      }
    },
    async flush() {
      if (sized) {
        const pending = recorder.peekPending();
        // Pending events written by a Task or timer since: size from the start again.
        if (pending.length < sizedAt) [sizedAt, sizedChars] = [0, 0];
        sizedChars += payloadChars(pending.slice(sizedAt));
        sizedAt = pending.length;
        if (pending.length < BULK_FLUSH_EVENTS && sizedChars < BULK_FLUSH_CHARS) return;
        const large = sizedChars >= BULK_FLUSH_CHARS;
        [sizedAt, sizedChars] = [0, 0];
        await write(recorder.takePending());
        if (large) await sleep(1);
        return;
      }
      if (bulk) {
        const pending = recorder.peekPending();
        if (pending.length < BULK_FLUSH_EVENTS) {
          // Sized again only every MAX_PENDING_EVENTS-odd events: the interpreter asks after each state.
          if (pending.length - sizedAt < 500) return;
          sizedAt = pending.length;
          if (payloadChars(pending) < BULK_FLUSH_CHARS) return;
        }
        sizedAt = 0;
        await write(recorder.takePending());
        return;
      }
      await write(recorder.takePending());
    },
    async sleep(ms, abandoned, detached) {
      const pendingEvents = detached ? [] : recorder.takePending();
      if (pendingEvents.length > 0) await write(pendingEvents);
      if (ms > 0) await cancellable(abandoned, () => sleep(ms));
    },
    async yield() {
      // A timer ends the workflow task: Temporal delivers fired timers and signals, and the clock moves.
      if (isPatched(YIELD_IN_SYNC_LOOPS)) await sleep(1);
    },
    flushAfterEvents: () => (sized ? SIZED_FLUSH_EVENTS : MAX_PENDING_EVENTS),
    boundsBranches: () => isPatched(BOUNDED_BRANCHES),
    pacesActivations: () => isPatched(PACED_ACTIVATIONS),
    continueAsNew: () => shouldContinueAsNew(thresholds),
    historyExhausted,
    mapRuns: distributedMapRuns({
      executionId,
      executionArn: args.execution.id,
      redriveCount: args.execution.redriveCount,
      children,
      ...(args.limits ? { limits: args.limits } : {}),
      ...(args.bindings ? { bindings: args.bindings } : {}),
      writePending: async () => {
        const pending = recorder.takePending();
        if (pending.length > 0) await write(pending);
      },
    }),
  };
  const thresholds = thresholdsOf(args.limits);
  // The states run in their own scope so that a stop cancels every running function and timer.
  const states = new CancellationScope();
  const limits = {
    maxHistoryEvents: effectiveHistoryCap(args.limits?.maxHistoryEvents, args.plan.definition.MaxHistoryEvents),
  };
  let stopping = false;
  let handle: ExecutionHandle | undefined;
  const run = states
    .run(() => {
      handle = runExecution(args.plan.definition, args.input, args.execution, host, {
        ...(args.redrive ? { redrive: args.redrive } : {}),
        ...(args.continuation ? { continuation: args.continuation } : {}),
        limits,
      });
      return handle.result;
    })
    .catch((err: unknown): ExecutionRun => {
      // The interpreter itself failed (a defect, or a bound it does not check yet): the execution
      // ends FAILED instead of failing its workflow task again and again.
      const cause = `Stepflow could not run the execution: ${err instanceof Error ? err.message : String(err)}`;
      const outcome = { status: 'FAILED' as const, error: StatesErrors.Runtime, cause };
      if (stopping) return { outcome, pendingEvents: [] };
      log.error('interpreter failed', { executionId, error: cause });
      recorder.emit(recorder.lastId, {
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: outcome.error, cause },
      });
      return { outcome, pendingEvents: recorder.takePending() };
    });
  /** Writes the closing events and the outcome (in bulk: one statement; see BULK_HISTORY). */
  const close = async (outcome: WorkflowOutcome, events: HistoryEvent[], resume: ResumePoint | undefined) => {
    const closing = closingEvents(events);
    if (bulk) {
      const stopDate = closing.at(-1)?.timestamp ?? new Date(Date.now()).toISOString();
      await localBookkeeping.closeExecution(
        { executionId, entered: enteredStates(closing), outcome, stopDate, ...(resume ? { resume } : {}) },
        encodeEventRows(closing),
      );
    } else {
      await writer().completeExecution({ executionId, events: closing, outcome, ...(resume ? { resume } : {}) });
    }
  };
  const continued = (handle as ExecutionHandle).continued.then((run) => ({ continued: run }));
  const ended = await Promise.race([run, continued, stop.then((request) => ({ stopped: request }))]);
  if ('continued' in ended) {
    // Everything recorded so far is written before the hand-over: the next run appends to it.
    await write(closingEvents(ended.continued.pendingEvents));
    if (!stopRequest) {
      const { continuation } = ended.continued;
      log.info('continuing as new', {
        executionId,
        runs: continuation.runs,
        lastEventId: continuation.lastEventId,
        historyLength: workflowInfo().historyLength,
      });
      const { redrive: _redrive, ...rest } = args;
      // The memo (state machine, version, parent) stays visible on every run in Temporal.
      const next = makeContinueAsNewFunc<typeof stepflowExecution>({ memo: workflowInfo().memo });
      return next({ ...rest, continuation });
    }
    // A stop that arrived meanwhile ends the execution here, where the next run would have gone on.
  }
  const stopped = 'stopped' in ended ? ended.stopped : 'continued' in ended ? stopRequest : undefined;
  if (stopped) {
    stopping = true;
    // Nested executions this one waits for are stopped before it closes, then what runs is
    // cancelled; the run records the stop and hands back where its states stood.
    await children.stopAll();
    states.cancel();
    const aborted = (handle as ExecutionHandle).abort(stopped);
    await close(aborted.outcome, aborted.pendingEvents, aborted.resume);
    return aborted.outcome;
  }
  if (!('outcome' in ended)) throw new Error('unreachable: the run neither ended nor stopped');
  await close(ended.outcome, ended.pendingEvents, ended.resume);
  return workflowResult(ended.outcome);
}

/** What a top-level execution's workflow returns when it succeeded: its output is in the store. */
type StoredOutcome = { status: 'SUCCEEDED' };

/**
 * The workflow's result. A nested execution's parent and a Map Run read their child's outcome
 * from it. A top-level execution's output is read from the store (DescribeExecution, its closing
 * event), so its result leaves the output out: no second copy in Temporal's history, and none
 * serialised in the sandbox, of an output that can be 256 KiB.
 */
function workflowResult(outcome: WorkflowOutcome): WorkflowOutcome | StoredOutcome {
  return outcome.status === 'SUCCEEDED' && !workflowInfo().parent ? { status: 'SUCCEEDED' } : outcome;
}
