import { StatesError, StatesErrors } from '../../errors';
import { MAX_INLINE_MAP_ITEMS, mapItemsError } from '../bounds';
import { numberField } from '../path-fields';
import type { Tolerance } from '../branch-group';
import { exceedsTolerance } from '../map-run';
import type { StateDef } from '../scope';
import { batchLimits, ItemBatches } from './map-items';

/**
 * The items a Map iterates, when they are an array of at most MAX_INLINE_MAP_ITEMS (checked before
 * any item is selected or run); `itemsPath` names the JSONPath field that selected them.
 */
export function boundedItems(items: unknown, itemsPath?: string | null): unknown[] {
  if (!Array.isArray(items)) {
    throw new StatesError(StatesErrors.Runtime, `Reference path "${itemsPath ?? '$'}" must point to array.`);
  }
  if (items.length > MAX_INLINE_MAP_ITEMS) throw mapItemsError(items.length);
  return items;
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
