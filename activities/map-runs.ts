import { createHash } from 'node:crypto';
import { roleArn, stateMachineArn } from '../engine/core/arn';
import { mapRunChildId, parseMapRunArn, type MapResultWriter } from '../engine/core/interpreter/map-run';
import { findExecution } from '../engine/db/executions-repo';
import {
  finishMapRun,
  findMapRun,
  findMapRunChild,
  findRedrivableMapRun,
  insertMapRun,
  insertMapRunChildren,
  mapRunItemsToRun,
  mapRunResults,
  reopenMapRun,
  type MapRunStatus,
} from '../engine/db/map-runs-repo';
import type { Plan } from '../schemas/plan';
import { EXECUTION_FEATURES, type ExecutionWorkflowInput } from '../workflows/messages';
import type { MapRunChild, MaterializedMapRun, MaterializeMapRunInput } from './contracts';
import type { ResultWriterFormat } from '../engine/core/items';
import {
  formattedMapRunResults,
  newMapRun,
  readMapRunItems,
  writeMapRunResults,
  type MapRunS3Deps,
} from './map-run-s3';

/** A UUID-shaped name derived from its parts: the same child on every attempt of the activity. */
function derivedUuid(...parts: Array<string | number>): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The activities of a Distributed Map's Map Run (see workflows/map-run.ts). */
export function createMapRunActivities(deps: MapRunS3Deps) {
  /** Stores a new Map Run whose children's inputs the workflow computed (items inline in the state input). */
  async function storeInlineItems(input: MaterializeMapRunInput): Promise<number> {
    const { request, parentExecutionId } = input;
    const sizes = request.inputs.map((item) =>
      input.batched ? ((item as { Items?: unknown[] }).Items?.length ?? 1) : 1,
    );
    await insertMapRun(deps.pool, newMapRun(input, request.inputs, sizes));
    deps.log.info(
      { executionId: parentExecutionId, mapRunArn: request.mapRunArn, children: request.inputs.length },
      'map run started',
    );
    return request.inputs.length;
  }

  return {
    /**
     * The "materialize items" step of a Map Run: stores the Map Run and its children's inputs
     * once (each child reads its own by index), or reopens the failed Map Run of the same state
     * when the parent is being redriven (only its unfinished children run again).
     */
    async materializeMapRunItems(input: MaterializeMapRunInput): Promise<MaterializedMapRun> {
      const { request, parentExecutionId, parentRedriveCount } = input;
      if (parentRedriveCount > 0) {
        const earlier = await findRedrivableMapRun(deps.pool, parentExecutionId, request.stateName, parentRedriveCount);
        if (earlier) {
          await reopenMapRun(deps.pool, earlier.mapRunArn, parentRedriveCount);
          deps.log.info({ executionId: parentExecutionId, mapRunArn: earlier.mapRunArn }, 'map run redriven');
          return {
            mapRunArn: earlier.mapRunArn,
            redriven: true,
            total: earlier.childCount,
            maxConcurrency: earlier.maxConcurrency,
            toleratedFailureCount: earlier.toleratedFailureCount,
            toleratedFailurePercentage: earlier.toleratedFailurePercentage,
          };
        }
      }
      // ItemReader: the items come from S3, read and stored page by page (activities/map-run-s3.ts).
      const total = request.itemReader
        ? await readMapRunItems(deps, { parentExecutionId, parentRedriveCount, request })
        : await storeInlineItems(input);
      return {
        mapRunArn: request.mapRunArn,
        redriven: false,
        total,
        maxConcurrency: request.maxConcurrency,
        ...(request.toleratedFailureCount !== undefined
          ? { toleratedFailureCount: request.toleratedFailureCount }
          : {}),
        ...(request.toleratedFailurePercentage !== undefined
          ? { toleratedFailurePercentage: request.toleratedFailurePercentage }
          : {}),
      };
    },

    /**
     * Stores the child executions of items `from`…`from + count - 1` that still have to run (an
     * item whose latest child SUCCEEDED is `done`) and returns their workflows' inputs. Names
     * derive from the Map Run, the item and the Map Run's redrive count: a repeated attempt
     * stores the same children.
     */
    async prepareMapRunChildren(input: { mapRunArn: string; from: number; count: number }): Promise<MapRunChild[]> {
      const run = await findMapRun(deps.pool, input.mapRunArn);
      const parent = run && (await findExecution(deps.pool, run.executionId));
      const arn = parseMapRunArn(input.mapRunArn);
      if (!run || !parent || !arn) throw new Error(`Map Run '${input.mapRunArn}' is not stored`);
      const items = await mapRunItemsToRun(deps.pool, input.mapRunArn, input.from, input.count);
      const toStart = items
        .filter((item) => item.status !== 'SUCCEEDED')
        .map((item) => {
          const name = derivedUuid(input.mapRunArn, item.index, run.redriveCount);
          return { index: item.index, name, executionId: mapRunChildId(input.mapRunArn, name) };
        });
      const started = await insertMapRunChildren(
        deps.pool,
        input.mapRunArn,
        { stateMachine: parent.stateMachine, version: parent.version },
        toStart,
      );
      const byIndex = new Map(toStart.map((child) => [child.index, child]));
      return items.map((item): MapRunChild => {
        const child = byIndex.get(item.index);
        if (!child) return { index: item.index, done: true };
        const machine = `${arn.stateMachine}/${arn.label}`;
        const workflowInput: ExecutionWorkflowInput = {
          executionId: child.executionId,
          // Read by the child's workflow from the store (see ExecutionWorkflowInput.mapRunChild).
          plan: null as unknown as Plan,
          input: null,
          execution: {
            id: `arn:aws:states:${arn.region}:${arn.account}:execution:${child.executionId}`,
            name: child.name,
            stateMachineId: stateMachineArn(machine),
            stateMachineName: parent.stateMachine,
            roleArn: roleArn(parent.stateMachine),
            startTime: (started.get(child.executionId) ?? new Date()).toISOString(),
            redriveCount: 0,
          },
          mapRunChild: { mapRunArn: input.mapRunArn, index: item.index },
          features: EXECUTION_FEATURES,
        };
        return { index: item.index, workflowInput };
      });
    },

    /** A Map Run child's plan and input, read once when its workflow starts. */
    async loadMapRunChild(input: { executionId: string }): Promise<{ plan: Plan; input: unknown }> {
      const child = await findMapRunChild(deps.pool, input.executionId);
      if (!child) throw new Error(`Map Run child '${input.executionId}' is not stored`);
      return { plan: child.plan as Plan, input: child.input };
    },

    /** Records how a Map Run ended. */
    async finishMapRun(input: {
      mapRunArn: string;
      status: Exclude<MapRunStatus, 'RUNNING'>;
      error?: string;
      cause?: string;
    }): Promise<void> {
      await finishMapRun(deps.pool, input.mapRunArn, input);
      deps.log.info({ mapRunArn: input.mapRunArn, status: input.status }, 'map run ended');
    },

    /**
     * The Map Run's result: its children's outputs in item order; with an S3 `ResultWriter`, the
     * results are written to S3 (manifest and result files) and the result is where:
     * `{MapRunArn, ResultWriterDetails: {Bucket, Key}}`; with a `WriterConfig`-only writer
     * (`resultFormat`), the children's results transformed and formatted as it says.
     */
    async collectMapRunResults(input: {
      mapRunArn: string;
      resultWriter?: MapResultWriter;
      resultFormat?: ResultWriterFormat;
    }): Promise<unknown> {
      if (input.resultWriter)
        return writeMapRunResults(deps, { mapRunArn: input.mapRunArn, resultWriter: input.resultWriter });
      if (input.resultFormat) return formattedMapRunResults(deps, input.mapRunArn, input.resultFormat);
      return mapRunResults(deps.pool, input.mapRunArn);
    },
  };
}
