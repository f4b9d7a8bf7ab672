import type { BindingSet } from '../../schemas/resources/bindings';
import { StatesError } from '../core/errors';
import { resolveResource } from '../core/interpreter/resources';
import { integrationImplementation } from '../core/resource-bindings';

/** A Task `Resource` this deployment cannot run: a `WARNING` diagnostic (the definition is still accepted). */
export interface ResourceDiagnostic {
  severity: 'WARNING';
  code: 'UNSUPPORTED_RESOURCE';
  /** JSON pointer of the `Resource` field. */
  location: string;
  message: string;
}

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Why a resource cannot run under `bindings`, or undefined when it can. */
export function unsupportedReason(resource: string, bindings: BindingSet): string | undefined {
  let resolved;
  try {
    resolved = resolveResource(resource);
  } catch (err) {
    // The cause without its `States.Runtime: ` prefix: the diagnostic is not an ASL error.
    return err instanceof StatesError && err.cause ? err.cause : (err as Error).message;
  }
  if (resolved.kind !== 'integration') return undefined;
  const implementation = integrationImplementation(bindings, resource);
  return implementation.kind === 'unbound' ? implementation.reason : undefined;
}

/**
 * Every Task `Resource` of a definition (Parallel branches and Map processors included) that
 * nothing in this deployment runs, with the JSON pointer of the field.
 */
export function unsupportedResources(definition: unknown, bindings: BindingSet): ResourceDiagnostic[] {
  const found: ResourceDiagnostic[] = [];
  const walk = (machine: unknown, base: string, depth: number): void => {
    if (depth > 64 || machine === null || typeof machine !== 'object') return;
    const states = (machine as { States?: unknown }).States;
    if (states === null || typeof states !== 'object') return;
    for (const [name, state] of Object.entries(states as Record<string, unknown>)) {
      if (state === null || typeof state !== 'object') continue;
      const s = state as Record<string, unknown>;
      const at = `${base}/States/${escape(name)}`;
      if (s.Type === 'Task' && typeof s.Resource === 'string') {
        const reason = unsupportedReason(s.Resource, bindings);
        if (reason)
          found.push({
            severity: 'WARNING',
            code: 'UNSUPPORTED_RESOURCE',
            location: `${at}/Resource`,
            message: reason,
          });
      }
      if (s.Type === 'Parallel' && Array.isArray(s.Branches))
        s.Branches.forEach((branch, i) => walk(branch, `${at}/Branches/${i}`, depth + 1));
      if (s.Type === 'Map') {
        if (s.ItemProcessor) walk(s.ItemProcessor, `${at}/ItemProcessor`, depth + 1);
        if (s.Iterator) walk(s.Iterator, `${at}/Iterator`, depth + 1);
      }
    }
  };
  walk(definition, '', 0);
  return found;
}
