import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ExecutionResponse, StartExecutionRequest } from '../../schemas/api/executions';
import type { Plan } from '../../schemas/plan';
import { canonicalJson } from './canonical-json';
import { EXECUTION_FEATURES, EXECUTION_WORKFLOW, type ExecutionWorkflowInput } from '../../workflows/messages';
import { DomainError } from './errors';
import {
  deleteUnstartedExecution,
  findExecution,
  insertExecution,
  listUnstartedExecutions,
  markWorkflowStarted,
  markWorkflowsStarted,
  type ExecutionRow,
} from '../db/executions-repo';
import { findAlias } from '../db/aliases-repo';
import { findPublishedVersion } from '../db/published-versions-repo';
import { findVersion, type StateMachineVersionRow } from '../db/state-machines-repo';
import { executionArn, executionArnOfId, executionId as toExecutionId, roleArn, stateMachineArn } from '../core/arn';
import { traceExecutionStart, tracingEnabled } from '../telemetry/execution-trace';
import type { ServiceDeps } from './deps';
import type { Logger } from '../logger';
import { chooseRoute } from './aliases';
import { toExecutionResponse } from './describe';
import { currentBindings } from '../resources/bindings';

/** Step Functions' limit on an execution's input: 256 KiB of JSON text. */
export const MAX_INPUT_BYTES = 256 * 1024;

/** The execution workflow's input for a stored execution (and, for a redrive, where to resume). */
export function workflowInput(
  row: ExecutionRow,
  plan: Plan,
  redrive?: ExecutionWorkflowInput['redrive'],
  /** The deployment's bounds (`STEPFLOW_MAX_HISTORY_EVENTS`). */
  limits?: ExecutionWorkflowInput['limits'],
  /** The deployment's resource bindings when the execution starts (see engine/resources/bindings.ts). */
  bindings?: ExecutionWorkflowInput['bindings'],
): ExecutionWorkflowInput {
  return {
    executionId: row.executionId,
    plan,
    input: row.input,
    execution: {
      id: executionArnOfId(row.executionId),
      name: row.name,
      stateMachineId: stateMachineArn(row.stateMachine),
      stateMachineName: row.stateMachine,
      roleArn: roleArn(row.stateMachine),
      startTime: row.startDate.toISOString(),
      redriveCount: row.redriveCount ?? 0,
    },
    ...(redrive ? { redrive } : {}),
    ...(limits ? { limits } : {}),
    ...(bindings ? { bindings } : {}),
    features: EXECUTION_FEATURES,
  };
}

/** The deployment's bounds every execution it starts carries (see ExecutionWorkflowInput.limits). */
export function deploymentLimits(config: ServiceDeps['config']): NonNullable<ExecutionWorkflowInput['limits']> {
  return {
    maxHistoryEvents: config.STEPFLOW_MAX_HISTORY_EVENTS,
    continueAsNewEvents: config.STEPFLOW_CONTINUE_AS_NEW_EVENTS,
    continueAsNewBytes: config.STEPFLOW_CONTINUE_AS_NEW_BYTES,
  };
}

/** Starts the workflow of a stored execution; already started counts as success (idempotent). */
async function startWorkflow(deps: ServiceDeps, row: ExecutionRow, plan: Plan): Promise<void> {
  const args = workflowInput(
    row,
    plan,
    undefined,
    deploymentLimits(deps.config),
    currentBindings(deps.config, deps.log),
  );
  try {
    await deps.temporal.workflow.start(EXECUTION_WORKFLOW, {
      workflowId: row.executionId,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      args: [args],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: { stateMachine: row.stateMachine, version: row.version },
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** Starts the workflow of an execution stored earlier (a repeated start, a repair) and marks it started. */
async function startStoredWorkflow(deps: ServiceDeps, row: ExecutionRow, version: StartDefinition): Promise<void> {
  const traceId = await traceExecutionStart(
    row,
    tracingEnabled(deps.config, version.tracingEnabled),
    async (traceId) => {
      await startWorkflow(deps, row, version.plan as Plan);
      return traceId;
    },
  );
  await markWorkflowStarted(deps.pool, row.executionId, traceId);
}

/** Most starts marked in one statement. */
const MARK_BATCH = 500;

/**
 * Records started workflows in the store in batches: while one UPDATE runs, the starts confirmed
 * meanwhile wait and go in the next one, so a burst of starts costs a few statements instead of
 * one each, and no start waits for its mark. A mark lost to a crash is harmless: the reconciler
 * starts such a workflow again (Temporal answers that it runs) and marks it then.
 */
class StartedMarks {
  private waiting: string[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly log: ServiceDeps['log'],
  ) {}

  add(executionId: string): void {
    this.waiting.push(executionId);
    this.writing ??= this.write();
  }

  /** Resolves when every mark added so far is written (or its failure logged). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async write(): Promise<void> {
    while (this.waiting.length > 0) {
      const executionIds = this.waiting.splice(0, MARK_BATCH);
      try {
        await markWorkflowsStarted(this.pool, executionIds);
      } catch (err) {
        this.log.warn({ err, executionIds }, 'could not mark started workflows; the reconciler will');
      }
    }
    this.writing = undefined;
  }
}

const startedMarks = new WeakMap<Pool, StartedMarks>();

function markStarted(deps: ServiceDeps, executionId: string): void {
  let marks = startedMarks.get(deps.pool);
  if (!marks) startedMarks.set(deps.pool, (marks = new StartedMarks(deps.pool, deps.log)));
  marks.add(executionId);
}

/** Writes the started marks still waiting for `pool` (before it closes). */
export async function flushStartedMarks(pool: Pool): Promise<void> {
  await startedMarks.get(pool)?.flush();
}

/** What StartExecution names: the machine (its current definition), a published version, or an alias. */
export interface StartTarget {
  version?: number;
  alias?: string;
}

/** What a start needs of a definition: its version, its plan and the machine's tracing flag. */
export type StartDefinition = Pick<StateMachineVersionRow, 'version' | 'plan' | 'tracingEnabled'>;

/** The definition to run for a target, and the published version / alias to record. */
export interface ResolvedTarget {
  definition: StartDefinition;
  publishedVersion?: number;
  alias?: string;
}

/**
 * The one target resolution of StartExecution and the `states:startExecution` integration: the
 * machine's current definition, or the published version / alias named (an alias picks one of
 * its versions by weight with `random`); `STATE_MACHINE_NOT_FOUND` when any of them is missing.
 */
export async function resolveTarget(
  pool: Pool,
  stateMachine: string,
  target: StartTarget,
  random: () => number,
): Promise<ResolvedTarget> {
  const machine = await findVersion(pool, stateMachine);
  if (!machine) throw new DomainError('STATE_MACHINE_NOT_FOUND', `State machine '${stateMachine}' does not exist`);
  let publishedVersion = target.version;
  if (target.alias !== undefined) {
    const alias = await findAlias(pool, stateMachine, target.alias);
    if (!alias)
      throw new DomainError(
        'STATE_MACHINE_NOT_FOUND',
        `State machine alias '${stateMachine}:${target.alias}' does not exist`,
      );
    publishedVersion = chooseRoute(alias.routes, random());
  }
  if (publishedVersion === undefined) return { definition: machine };
  const version = await findPublishedVersion(pool, stateMachine, publishedVersion);
  if (!version)
    throw new DomainError(
      'STATE_MACHINE_NOT_FOUND',
      `State machine version '${stateMachine}:${publishedVersion}' does not exist`,
    );
  const definition = await findVersion(pool, stateMachine, version.definitionVersion);
  return { definition: definition as StateMachineVersionRow, publishedVersion, alias: target.alias };
}

/**
 * `INVALID_EXECUTION_INPUT` when an execution's input passes Step Functions' 256 KiB; else the
 * input's JSON text (what the execution's row stores: serialised once).
 */
export function checkInputSize(input: unknown): string {
  const text = JSON.stringify(input);
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_INPUT_BYTES) {
    throw new DomainError('INVALID_EXECUTION_INPUT', `The input is ${size} bytes; the limit is ${MAX_INPUT_BYTES}`);
  }
  return text;
}

/**
 * The one idempotency rule of a start whose name is taken: the same execution (returned, not
 * started again) only while the first one runs and with the same input (as canonical JSON: key
 * order does not matter); anything else is `EXECUTION_ALREADY_EXISTS`.
 */
export function sameStart(existing: ExecutionRow | undefined, input: unknown): existing is ExecutionRow {
  return (
    existing !== undefined && existing.status === 'RUNNING' && canonicalJson(existing.input) === canonicalJson(input)
  );
}

/** The current definitions a process keeps for starts (the least recently stored goes first). */
const CURRENT_DEFINITIONS = 64;

/**
 * Each state machine's current definition as a start last resolved it. Never trusted as such:
 * the insert that uses one checks in the same statement that it is still current (see
 * `insertExecution`), so an update, a delete or a tracing change made by any process is
 * honoured by the next start; a start that finds its entry stale resolves again.
 */
const currentDefinitions = new WeakMap<Pool, Map<string, StartDefinition>>();

function definitionsOf(pool: Pool): Map<string, StartDefinition> {
  let definitions = currentDefinitions.get(pool);
  if (!definitions) currentDefinitions.set(pool, (definitions = new Map()));
  return definitions;
}

function rememberDefinition(pool: Pool, stateMachine: string, definition: StartDefinition): void {
  const definitions = definitionsOf(pool);
  definitions.delete(stateMachine);
  // Only what a start uses: not the definition's texts, which can be large.
  const { version, plan, tracingEnabled } = definition;
  definitions.set(stateMachine, { version, plan, tracingEnabled });
  if (definitions.size > CURRENT_DEFINITIONS) definitions.delete(definitions.keys().next().value as string);
}

/** A start whose remembered definition was no longer current: resolve it again. */
const STALE = Symbol('stale');

/**
 * Starts an execution of `stateMachine`: its current definition, or the published version /
 * alias `target` names (an alias picks one of its versions at random by weight; the execution
 * records the version and the alias). The row is written first, then the
 * workflow is started (id = execution id, so a second start is a no-op); a crash in between is
 * repaired by `startPendingWorkflows`. Same name and same input while the first execution runs
 * returns it; same name otherwise (another input, or the first has ended) is `EXECUTION_ALREADY_EXISTS`.
 * A start of the current definition writes its row in one round trip when the process has
 * resolved that machine before (the row's insert checks the definition is still current).
 */
export async function startExecution(
  deps: ServiceDeps,
  stateMachine: string,
  request: StartExecutionRequest,
  target: StartTarget = {},
  random: () => number = Math.random,
): Promise<{ execution: ExecutionResponse; created: boolean }> {
  const input = request.input === undefined ? {} : request.input;
  const inputText = checkInputSize(input);
  const named = { version: target.version ?? request.version, alias: target.alias ?? request.alias };
  const current = named.version === undefined && named.alias === undefined;
  const name = request.name ?? randomUUID();
  const id = toExecutionId(stateMachine, name);
  const log = deps.log.child({ executionId: id });
  const remembered = current ? definitionsOf(deps.pool).get(stateMachine) : undefined;
  let resolved: ResolvedTarget = remembered
    ? { definition: remembered }
    : await resolveTarget(deps.pool, stateMachine, named, random);
  const first = await insertAndStart(
    deps,
    log,
    { id, name, stateMachine, input, inputText, resolved },
    remembered !== undefined,
  );
  let outcome: Inserted;
  if (first === STALE) {
    definitionsOf(deps.pool).delete(stateMachine);
    resolved = await resolveTarget(deps.pool, stateMachine, named, random);
    outcome = await insertAndStart(deps, log, { id, name, stateMachine, input, inputText, resolved }, false);
  } else outcome = first;
  if (current) rememberDefinition(deps.pool, stateMachine, resolved.definition);
  const version = resolved.definition;
  if (!outcome.created) {
    const existing = outcome.row;
    // Idempotent only while the first one runs (Step Functions' rule for STANDARD machines).
    if (sameStart(existing, input)) {
      // Its workflow runs the row's own version, whatever this start resolved.
      const own = existing.workflowStarted
        ? undefined
        : await findVersion(deps.pool, existing.stateMachine, existing.version);
      if (own) await startStoredWorkflow(deps, existing, own);
      return { execution: toExecutionResponse(existing), created: false };
    }
    throw new DomainError(
      'EXECUTION_ALREADY_EXISTS',
      `Execution Already Exists: '${executionArn(stateMachine, name)}'`,
    );
  }
  markStarted(deps, id);
  log.info(
    { stateMachine, version: version.version, publishedVersion: resolved.publishedVersion, alias: resolved.alias },
    'execution started',
  );
  return { execution: toExecutionResponse(outcome.row), created: true };
}

/** What a start's insert found: the new row, or the row holding the name already (if any). */
type Inserted = { row: ExecutionRow; created: true } | { row: ExecutionRow | undefined; created: false };

/** What a start writes: its row's fields and the definition it resolved. */
interface StartRow {
  id: string;
  name: string;
  stateMachine: string;
  input: unknown;
  inputText: string;
  resolved: ResolvedTarget;
}

/**
 * Writes a start's row and starts its workflow, in the StartExecution span: what the insert found
 * or — only when `checked` asked the insert to verify a remembered definition and it was no
 * longer current — STALE.
 */
async function insertAndStart(deps: ServiceDeps, log: Logger, start: StartRow, checked: false): Promise<Inserted>;
async function insertAndStart(
  deps: ServiceDeps,
  log: Logger,
  start: StartRow,
  checked: boolean,
): Promise<Inserted | typeof STALE>;
async function insertAndStart(
  deps: ServiceDeps,
  log: Logger,
  start: StartRow,
  checked: boolean,
): Promise<Inserted | typeof STALE> {
  const { id, stateMachine, resolved } = start;
  const version = resolved.definition;
  return traceExecutionStart(
    { executionId: id, stateMachine },
    tracingEnabled(deps.config, version.tracingEnabled),
    async (traceId) => {
      const row = await insertExecution(
        deps.pool,
        {
          executionId: id,
          stateMachine,
          version: version.version,
          name: start.name,
          input: start.input,
          inputText: start.inputText,
          publishedVersion: resolved.publishedVersion,
          alias: resolved.alias,
          traceId,
        },
        checked ? { tracingEnabled: version.tracingEnabled } : undefined,
      );
      if (!row) {
        const existing = await findExecution(deps.pool, id);
        return !existing && checked ? STALE : { row: existing, created: false as const };
      }
      try {
        await startWorkflow(deps, row, version.plan as Plan);
      } catch (err) {
        log.error({ err }, 'workflow start failed');
        await deleteUnstartedExecution(deps.pool, id);
        throw new DomainError(
          'SERVICE_UNAVAILABLE',
          'The execution could not be started: Temporal is unavailable; retry',
        );
      }
      return { row, created: true as const };
    },
  );
}

/**
 * Repairs the gap between the two writes of a start: executions stored but whose workflow start
 * was never confirmed (a crash in between) are started now. Returns how many were started.
 */
export async function startPendingWorkflows(deps: ServiceDeps, olderThanMs = 10_000): Promise<number> {
  const rows = await listUnstartedExecutions(deps.pool, olderThanMs);
  for (const row of rows) {
    const version = await findVersion(deps.pool, row.stateMachine, row.version);
    if (!version) continue;
    await startStoredWorkflow(deps, row, version);
    deps.log.warn({ executionId: row.executionId }, 'unstarted execution repaired');
  }
  return rows.length;
}
