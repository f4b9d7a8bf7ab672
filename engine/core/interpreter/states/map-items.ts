import { evaluateTemplate } from '../../jsonata';
import type { FunctionHost } from '../../jsonata/functions';
import { copyObject } from '../../object-copy';
import { applyPayloadTemplate } from '../../payload-template';
import { payloadBytes } from '../limits';
import { numberField } from '../path-fields';
import type { StateDef } from '../scope';

/** `ItemBatcher` resolved: `MaxItemsPerBatch[Path]`, `MaxInputBytesPerBatch[Path]` (absent = no limit), `BatchInput` evaluated. */
export interface BatchLimits {
  maxItems?: number;
  maxBytes?: number;
  batchInput?: unknown;
}

/**
 * How each item becomes a child's input, with every state field already evaluated, so that it
 * can be applied where the items are (the workflow for inline items, the Map Run's materialize
 * activity for `ItemReader` items): `ItemSelector` per item, then `ItemBatcher`.
 */
export interface ItemShaping {
  language: 'JSONPath' | 'JSONata';
  /** `ItemSelector` (JSONPath: or the legacy `Parameters`) as written; absent, each item is its own input. */
  selector?: unknown;
  /** What the selector reads: JSONPath `$` (the effective input), JSONata `$states.input`. */
  input: unknown;
  /** The Context object of the Map state; `Map.Item` is added per item. */
  ctx: Record<string, unknown>;
  variables: Record<string, unknown>;
  /** `ItemBatcher`, resolved (absent: no batching). */
  batcher?: BatchLimits;
}

/** The Context object of one item: `$$.Map.Item.Index` / `.Value` (JSONata `$states.context.Map.Item`). */
function itemContext(ctx: Record<string, unknown>, item: unknown, index: number): Record<string, unknown> {
  const context = copyObject(ctx);
  context.Map = { Item: { Index: index, Value: item } };
  return context;
}

/** JSONPath `ItemSelector` (or `Parameters`) applied to the item at `index`. */
export function selectJsonPathItem(shaping: ItemShaping, item: unknown, index: number, host: FunctionHost): unknown {
  if (shaping.selector === undefined) return item;
  return applyPayloadTemplate(
    shaping.selector,
    shaping.input,
    itemContext(shaping.ctx, item, index),
    { random: () => host.random() },
    shaping.variables,
  );
}

/** JSONata `ItemSelector` applied to the item at `index`. */
export async function selectJsonataItem(
  shaping: ItemShaping,
  item: unknown,
  index: number,
  host: FunctionHost,
): Promise<unknown> {
  if (shaping.selector === undefined) return item;
  return evaluateTemplate(
    shaping.selector,
    {
      states: { input: shaping.input, context: itemContext(shaping.ctx, item, index) },
      variables: shaping.variables,
      host,
    },
    'ItemSelector',
  );
}

/** The item at `index` as its child sees it before batching, in the shaping's query language. */
export function selectItem(
  shaping: ItemShaping,
  item: unknown,
  index: number,
  host: FunctionHost,
): unknown | Promise<unknown> {
  return shaping.language === 'JSONata'
    ? selectJsonataItem(shaping, item, index, host)
    : selectJsonPathItem(shaping, item, index, host);
}

/** `ItemBatcher.MaxItemsPerBatch[Path]` and `MaxInputBytesPerBatch[Path]` of `state` (literals, or read from `effective`). */
export function batchLimits(
  state: StateDef,
  effective: unknown,
  ctx: unknown,
  variables?: Record<string, unknown>,
): Omit<BatchLimits, 'batchInput'> {
  const batcher = state.ItemBatcher as StateDef;
  const maxItems = numberField(batcher, 'MaxItemsPerBatch', effective, ctx, false, variables);
  const maxBytes = numberField(batcher, 'MaxInputBytesPerBatch', effective, ctx, false, variables);
  return { ...(maxItems !== undefined ? { maxItems } : {}), ...(maxBytes !== undefined ? { maxBytes } : {}) };
}

/**
 * `ItemBatcher` over a stream of selected items: consecutive items go into one batch while it
 * holds fewer than `maxItems` and its JSON (`{"BatchInput": …, "Items": [...]}`, BatchInput only
 * when set) stays within `maxBytes`; a batch always holds at least one item. `add` returns the
 * batches an item completed, `end` the last one.
 */
export class ItemBatches {
  private current: unknown[] = [];
  private bytes = 0;
  private readonly emptyBytes: number;

  constructor(private readonly limits: BatchLimits) {
    this.emptyBytes = payloadBytes(JSON.stringify(this.wrap([])));
  }

  add(item: unknown): unknown[] {
    // The batch's JSON is the empty batch's plus each item's text and a comma between items.
    const itemBytes = this.limits.maxBytes === undefined ? 0 : payloadBytes(JSON.stringify(item) ?? 'null');
    const grown = this.bytes + itemBytes + (this.current.length > 0 ? 1 : 0);
    const fits =
      this.current.length > 0 &&
      this.current.length < (this.limits.maxItems ?? Infinity) &&
      this.emptyBytes + grown <= (this.limits.maxBytes ?? Infinity);
    if (fits) {
      this.current.push(item);
      this.bytes = grown;
      return [];
    }
    const done = this.end();
    this.current = [item];
    this.bytes = itemBytes;
    return done;
  }

  end(): unknown[] {
    if (this.current.length === 0) return [];
    const batch = this.wrap(this.current);
    this.current = [];
    this.bytes = 0;
    return [batch];
  }

  private wrap(items: unknown[]): unknown {
    return this.limits.batchInput === undefined
      ? { Items: items }
      : { BatchInput: this.limits.batchInput, Items: items };
  }
}
