import fs from 'node:fs';
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';

/** A definition read from a file, with a way to find the line of a JSON pointer in it. */
export interface DefinitionFile {
  text: string;
  /** 1-based line of the value a JSON pointer names (its nearest existing ancestor when absent). */
  lineOf(pointer: string): number;
}

/** Reads a definition file (JSON) for `create`, `update` and `validate`. */
export function readDefinitionFile(file: string): DefinitionFile {
  const text = fs.readFileSync(file, 'utf8');
  const tree = parseTree(text);
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  return {
    text,
    lineOf(pointer: string): number {
      if (!tree) return 1;
      const segments = pointer
        .split('/')
        .slice(1)
        .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
      for (let length = segments.length; length >= 0; length--) {
        const node: Node | undefined = findNodeAtLocation(tree, segments.slice(0, length));
        if (node) return lineAt(node.parent?.type === 'property' ? node.parent.offset : node.offset);
      }
      return 1;
    },
  };
}
