import { StatesError } from '../../engine/core/errors';
import { batches } from '../../engine/core/interpreter/states/map-config';
import { batchLimits, ItemBatches, selectItem, type ItemShaping } from '../../engine/core/interpreter/states/map-items';

const HOST = { now: () => 0, random: () => 0.5 };
const CTX = { Execution: { Id: 'e1' } };

/** Every batch of a stream of items, as the ItemReader's materialize activity makes them. */
function streamed(limits: ConstructorParameters<typeof ItemBatches>[0], items: unknown[]): unknown[] {
  const batcher = new ItemBatches(limits);
  return [...items.flatMap((item) => batcher.add(item)), ...batcher.end()];
}

describe('ItemBatches', () => {
  test('groups MaxItemsPerBatch items, the last batch holding the rest', () => {
    expect(streamed({ maxItems: 2 }, [1, 2, 3, 4, 5])).toEqual([{ Items: [1, 2] }, { Items: [3, 4] }, { Items: [5] }]);
  });

  test('closes a batch before its JSON would pass MaxInputBytesPerBatch, BatchInput included', () => {
    // {"BatchInput":{"b":1},"Items":["aaaa","bbbb"]} is 46 bytes; a third item makes it 53.
    const items = ['aaaa', 'bbbb', 'cccc', 'é'];
    expect(streamed({ maxBytes: 46, batchInput: { b: 1 } }, items)).toEqual([
      { BatchInput: { b: 1 }, Items: ['aaaa', 'bbbb'] },
      { BatchInput: { b: 1 }, Items: ['cccc', 'é'] },
    ]);
    expect(JSON.stringify({ BatchInput: { b: 1 }, Items: ['aaaa', 'bbbb'] })).toHaveLength(46);
  });

  test('puts an item larger than MaxInputBytesPerBatch in a batch of its own', () => {
    expect(streamed({ maxBytes: 12 }, ['x'.repeat(20), 'y'])).toEqual([{ Items: ['x'.repeat(20)] }, { Items: ['y'] }]);
  });

  test('makes no batch of no items', () => {
    expect(streamed({ maxItems: 3 }, [])).toEqual([]);
  });

  test('batches an inline Map exactly as it streams reader items', () => {
    const state = { Type: 'Map', ItemBatcher: { MaxItemsPerBatchPath: '$.per', MaxInputBytesPerBatch: 50 } };
    const items = Array.from({ length: 9 }, (_, i) => ({ n: i, s: 'x'.repeat(i) }));
    const limits = batchLimits(state, { per: 3 }, CTX);
    expect(limits).toEqual({ maxItems: 3, maxBytes: 50 });
    const inline = batches(state, items, undefined, { per: 3 }, CTX);
    expect(inline).toEqual(streamed(limits, items));
    expect(inline.map((batch) => (batch as { Items: unknown[] }).Items.length)).toEqual([2, 2, 2, 1, 1, 1]);
    // Each batch fits in 50 bytes; with the next item added it would not.
    for (const [i, batch] of inline.entries()) {
      const { Items } = batch as { Items: unknown[] };
      expect(JSON.stringify(batch).length).toBeLessThanOrEqual(50);
      const next = (inline[i + 1] as { Items: unknown[] } | undefined)?.Items[0];
      if (next !== undefined && Items.length < 3)
        expect(JSON.stringify({ Items: [...Items, next] }).length).toBeGreaterThan(50);
    }
  });

  test('fails with States.Runtime when MaxItemsPerBatchPath reads no integer', () => {
    const state = { Type: 'Map', ItemBatcher: { MaxItemsPerBatchPath: '$.per' } };
    expect(() => batchLimits(state, { per: 'many' }, CTX)).toThrow(StatesError);
  });
});

describe('selectItem', () => {
  test('JSONPath ItemSelector reads the input and $$.Map.Item', () => {
    const shaping: ItemShaping = {
      language: 'JSONPath',
      selector: { 'v.$': '$$.Map.Item.Value.v', 'i.$': '$$.Map.Item.Index', 'tag.$': '$.tag', 'x.$': '$x' },
      input: { tag: 't' },
      ctx: CTX,
      variables: { x: 7 },
    };
    expect(selectItem(shaping, { v: 'a' }, 4, HOST)).toEqual({ v: 'a', i: 4, tag: 't', x: 7 });
  });

  test('JSONata ItemSelector reads $states.input and $states.context.Map.Item', async () => {
    const shaping: ItemShaping = {
      language: 'JSONata',
      selector: {
        v: '{% $states.context.Map.Item.Value.v %}',
        i: '{% $states.context.Map.Item.Index %}',
        t: '{% $states.input.tag & $x %}',
      },
      input: { tag: 't' },
      ctx: CTX,
      variables: { x: '!' },
    };
    await expect(selectItem(shaping, { v: 'a' }, 2, HOST)).resolves.toEqual({ v: 'a', i: 2, t: 't!' });
  });

  test('passes the item through without an ItemSelector', () => {
    expect(selectItem({ language: 'JSONPath', input: {}, ctx: CTX, variables: {} }, [1], 0, HOST)).toEqual([1]);
  });
});
