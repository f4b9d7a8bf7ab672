/** Where a JSON pointer lands in a JSON text: its 1-based line (problems are pinned to lines). */
import { findNodeAtLocation, parseTree } from 'jsonc-parser';

export function lineOfPointer(text: string, pointer: string): number | undefined {
  const tree = parseTree(text);
  if (!tree) return undefined;
  const path = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  // The deepest node that exists along the pointer (a missing member points at its parent).
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n));
    if (node) {
      const offset = node.parent?.type === 'property' ? node.parent.offset : node.offset;
      return text.slice(0, offset).split('\n').length;
    }
  }
  return undefined;
}

/** The offsets of a 1-based line (to select it in the editor). */
export function lineRange(text: string, line: number): [number, number] {
  const lines = text.split('\n');
  const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
  return [start, start + (lines[line - 1]?.length ?? 0)];
}
