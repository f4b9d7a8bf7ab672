import { StatesError, StatesErrors } from '../../errors';
import { MAX_INLINE_MAP_ITEMS, mapItemsError } from '../bounds';
import { numberField } from '../path-fields';
import type { Tolerance } from '../branch-group';
import { exceedsTolerance } from '../map-run';
import type { MachineDef, Scope, StateDef } from '../scope';
import { batchLimits, ItemBatches } from './map-items';

/**
 * The items a Map iterates, when they are an array of at most MAX_INLINE_MAP_ITEMS (checked before
 * any item is selected or run), or more for a Distributed Map run as a Map Run (within
 * MAX_MAP_RUN_ITEMS_BYTES); `itemsPath` names the JSONPath field that selected them.
 */
export function boundedItems(
  items: unknown,
  where: { state: StateDef; scope: Scope },
  itemsPath?: string | null,
): unknown[] {
  if (!Array.isArray(items)) {
    throw new StatesError(StatesErrors.Runtime, `Reference path "${itemsPath ?? '$'}" must point to array.`);
  }
  if (items.length > MAX_INLINE_MAP_ITEMS) {
    if (!storesItems(where)) throw mapItemsError(items.length);
    // They travel to the store as one activity input, which Temporal caps at 2 MiB.
    const bytes = JSON.stringify(items).length;
    if (bytes > MAX_MAP_RUN_ITEMS_BYTES) {
      throw new StatesError(
        StatesErrors.DataLimitExceeded,
        `The Distributed Map's ${items.length} items take ${bytes} bytes; past ${MAX_INLINE_MAP_ITEMS} items, items taken from the state input may take at most ${MAX_MAP_RUN_ITEMS_BYTES} bytes (read larger item sets with an ItemReader)`,
      );
    }
  }
  return items;
}

/** Bytes of JSON the items of a Distributed Map past the inline cap may take (under Temporal's 2 MiB payload limit). */
export const MAX_MAP_RUN_ITEMS_BYTES = 1536 * 1024;

/**
 * True for a Distributed Map whose host runs it as a Map Run (its items go to the store, one child
 * execution per item or batch, never into the execution's branches), so the inline cap does not
 * apply. Asked only past the cap: an execution recorded when every Map was capped fails as it did.
 */
function storesItems({ state, scope }: { state: StateDef; scope: Scope }): boolean {
  const processor = (state.ItemProcessor ?? state.Iterator) as MachineDef | undefined;
  const mapRuns = scope.run.host.mapRuns;
  return (
    processor?.ProcessorConfig?.Mode === 'DISTRIBUTED' &&
    mapRuns !== undefined &&
    mapRuns.enabled() &&
    mapRuns.uncapped?.() === true
  );
}

/** AWS's cause for a Map whose failed iterations exceed its tolerance. */
export const TOLERATED_FAILURE_CAUSE = 'The specified tolerated failure threshold was exceeded';

/** `MaxConcurrency` or `MaxConcurrencyPath` (0, the default, = no limit). */
export function maxConcurrency(
  state: StateDef,
  effective: unknown,
  ctx: unknown,
  variables?: Record<string, unknown>,
): number {
  const value = numberField(state, 'MaxConcurrency', effective, ctx, false, variables) ?? 0;
  if (value < 0) throw new StatesError(StatesErrors.Runtime, 'MaxConcurrency cannot be negative.');
  return value;
}

/**
 * `ToleratedFailureCount[Path]` and `ToleratedFailurePercentage[Path]` as evaluated (absent when
 * not set); a negative count or a percentage outside 0–100 fails with `States.Runtime`.
 */
export function toleranceLimits(
  state: StateDef,
  effective: unknown,
  ctx: unknown,
  variables?: Record<string, unknown>,
): { count?: number; percentage?: number } {
  const count = numberField(state, 'ToleratedFailureCount', effective, ctx, false, variables);
  const percentage = numberField(state, 'ToleratedFailurePercentage', effective, ctx, true, variables);
  if (count !== undefined && count < 0)
    throw new StatesError(StatesErrors.Runtime, 'ToleratedFailureCount cannot be negative.');
  if (percentage !== undefined && (percentage < 0 || percentage > 100)) {
    throw new StatesError(StatesErrors.Runtime, 'ToleratedFailurePercentage must be between 0 and 100.');
  }
  return { ...(count !== undefined ? { count } : {}), ...(percentage !== undefined ? { percentage } : {}) };
}

/**
 * `ToleratedFailureCount[Path]` and `ToleratedFailurePercentage[Path]`: the Map fails with
 * `States.ExceedToleratedFailureThreshold` once failures exceed either (0 of both by default, so
 * any failure of a Distributed Map's child does). Undefined for an inline Map without them: its
 * first failed iteration fails the state with its own error.
 */
export function tolerance(
  state: StateDef,
  effective: unknown,
  ctx: unknown,
  total: number,
  distributed: boolean,
  variables?: Record<string, unknown>,
): Tolerance | undefined {
  const { count, percentage } = toleranceLimits(state, effective, ctx, variables);
  if (count === undefined && percentage === undefined && !distributed) return undefined;
  return {
    exceeded: (failures) => exceedsTolerance(failures, total, count, percentage),
    error: () => new StatesError(StatesErrors.ExceedToleratedFailureThreshold, TOLERATED_FAILURE_CAUSE),
  };
}

/**
 * `ItemBatcher`: groups consecutive items into batches of at most `MaxItemsPerBatch[Path]` items
 * and `MaxInputBytesPerBatch[Path]` bytes (of the batch's JSON); each iteration then gets
 * `{"BatchInput": <BatchInput>, "Items": [...]}` (BatchInput only when set). The Map Run's
 * ItemReader batches its items with the same ItemBatches.
 */
export function batches(
  state: StateDef,
  items: unknown[],
  batchInput: unknown,
  effective: unknown,
  ctx: unknown,
  variables?: Record<string, unknown>,
): unknown[] {
  const batcher = new ItemBatches({ ...batchLimits(state, effective, ctx, variables), batchInput });
  const out: unknown[] = [];
  for (const item of items) out.push(...batcher.add(item));
  out.push(...batcher.end());
  return out;
}
