import { itemReaderFailed } from './errors';

/**
 * Resolves an RFC 6901 JSON pointer (`ItemsPointer`, e.g. `/data/items`) in `document`: `~1` is
 * `/`, `~0` is `~`, an array is indexed by a decimal index. A pointer that selects nothing fails
 * with `States.ItemReaderFailed`.
 */
export function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^(0|[1-9]\d*)$/.test(token) && Number(token) < node.length) {
      node = node[Number(token)];
    } else if (
      node !== null &&
      typeof node === 'object' &&
      !Array.isArray(node) &&
      Object.prototype.hasOwnProperty.call(node, token)
    ) {
      node = (node as Record<string, unknown>)[token];
    } else {
      throw itemReaderFailed(`ItemsPointer '${pointer}' selects nothing in the JSON document`);
    }
  }
  return node;
}
