import { DefinitionProblemCodes, type DefinitionProblem } from '../../../schemas/asl';
import { toPointer } from './walk';

/**
 * How deeply a definition's arrays and objects may nest. Real state machines stay far below it;
 * past it the recursive checks (the zod schema, template and graph walks) would overflow the
 * stack, so deeper documents are refused before any of them runs.
 */
export const MAX_DEFINITION_DEPTH = 256;

interface Node {
  value: unknown;
  depth: number;
  key?: PropertyKey;
  parent?: Node;
}

function pathOf(node: Node): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let at: Node | undefined = node; at?.parent; at = at.parent) path.unshift(at.key as PropertyKey);
  return path;
}

/**
 * A problem at the first value nested deeper than MAX_DEFINITION_DEPTH (measured without
 * recursion, so any depth is safe to measure), or undefined.
 */
export function depthProblem(definition: unknown): DefinitionProblem | undefined {
  const stack: Node[] = [{ value: definition, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    const { value, depth } = node;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEFINITION_DEPTH) {
      return {
        code: DefinitionProblemCodes.SCHEMA_VALIDATION_FAILED,
        path: toPointer(pathOf(node)),
        message: `The definition nests arrays and objects more than ${MAX_DEFINITION_DEPTH} levels deep`,
      };
    }
    const entries: [PropertyKey, unknown][] = Array.isArray(value)
      ? value.map((item, i) => [i, item])
      : Object.entries(value);
    for (const [key, item] of entries) stack.push({ value: item, depth: depth + 1, key, parent: node });
  }
  return undefined;
}
