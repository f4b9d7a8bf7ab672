import { DEFAULT_QUERY_LANGUAGE } from '../../../schemas/asl';

/**
 * Walking a definition that has NOT been validated yet: every check after the schema works on
 * the raw JSON, guarding each access, so that one malformed field never hides the problems of
 * the rest of the document.
 */

/** A JSON object (not null, not an array). */
export type JsonObject = Record<string, unknown>;

/** True when `value` is a JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 6901 JSON pointer for `segments` (`~` → `~0`, `/` → `~1`); `""` for the root. */
export function toPointer(segments: readonly PropertyKey[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** `base` extended by `segments`, each escaped. */
export function childPointer(base: string, ...segments: PropertyKey[]): string {
  return base + toPointer(segments);
}

/** A state found while walking: its name, raw value and pointer. */
export interface StateVisit {
  name: string;
  /** The raw state: an object when well formed, anything otherwise. */
  state: unknown;
  pointer: string;
  /** The language the state's fields are written in (its own `QueryLanguage`, else the machine's). */
  language: string;
}

/** A (sub-)machine: the top level, a Parallel branch, or a Map `ItemProcessor`/`Iterator`. */
export interface ScopeVisit {
  machine: JsonObject;
  pointer: string;
  topLevel: boolean;
  states: StateVisit[];
}

/** The language written on the machine, or the default; inner scopes inherit it (not their parent state's). */
export function machineLanguageOf(root: JsonObject): string {
  return typeof root.QueryLanguage === 'string' ? root.QueryLanguage : DEFAULT_QUERY_LANGUAGE;
}

function languageOf(state: unknown, machineLanguage: string): string {
  return isJsonObject(state) && typeof state.QueryLanguage === 'string' ? state.QueryLanguage : machineLanguage;
}

/** The sub-machines a raw state contains, with their pointers (Parallel `Branches`, Map processors). */
export function subMachinesOf(state: unknown, pointer: string): Array<{ machine: JsonObject; pointer: string }> {
  if (!isJsonObject(state)) return [];
  const found: Array<{ machine: JsonObject; pointer: string }> = [];
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
    state.Branches.forEach((branch, i) => {
      if (isJsonObject(branch)) found.push({ machine: branch, pointer: childPointer(pointer, 'Branches', i) });
    });
  }
  if (state.Type === 'Map') {
    for (const field of ['ItemProcessor', 'Iterator'] as const) {
      const processor = state[field];
      if (isJsonObject(processor)) found.push({ machine: processor, pointer: childPointer(pointer, field) });
    }
  }
  return found;
}

/** Every (sub-)machine of the definition, top level first, then depth-first in document order. */
export function collectScopes(root: JsonObject): ScopeVisit[] {
  const machineLanguage = machineLanguageOf(root);
  const scopes: ScopeVisit[] = [];
  const visit = (machine: JsonObject, pointer: string, topLevel: boolean): void => {
    const states = isJsonObject(machine.States)
      ? Object.entries(machine.States).map(([name, state]) => ({
          name,
          state,
          pointer: childPointer(pointer, 'States', name),
          language: languageOf(state, machineLanguage),
        }))
      : [];
    scopes.push({ machine, pointer, topLevel, states });
    for (const s of states) {
      for (const sub of subMachinesOf(s.state, s.pointer)) visit(sub.machine, sub.pointer, false);
    }
  };
  visit(root, '', true);
  return scopes;
}

/** Where a path inside the raw document lands. */
export interface Location {
  /** The raw value at the path (`undefined` when absent). */
  value: unknown;
  /** The deepest state containing the path (or being it), if any. */
  state?: { name: string; value: JsonObject; language: string };
  /** The path segments below that state (empty when the path is the state itself). */
  inState: PropertyKey[];
}

/** `container[key]` when it is the container's own property (never an inherited one like `constructor`). */
function ownValue(container: unknown, key: PropertyKey): unknown {
  if (!isJsonObject(container) && !Array.isArray(container)) return undefined;
  return Object.prototype.hasOwnProperty.call(container, key)
    ? (container as Record<PropertyKey, unknown>)[key]
    : undefined;
}

/**
 * Follows `path` through the raw document, tracking which segments are states: the values of a
 * machine's `States`, where machines are the root, Parallel `Branches` items and Map
 * `ItemProcessor`/`Iterator`.
 */
export function locate(root: JsonObject, path: readonly PropertyKey[]): Location {
  const machineLanguage = machineLanguageOf(root);
  let value: unknown = root;
  let machine: unknown = root;
  let location: Location = { value: root, inState: [] };
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const parent = value;
    value = ownValue(parent, segment);
    location.inState.push(segment);
    if (parent === machine && segment === 'States' && isJsonObject(value) && i + 1 < path.length) {
      const name = String(path[i + 1]);
      const state = ownValue(value, name);
      value = state;
      i++;
      location = { value, inState: [] };
      if (isJsonObject(state)) location.state = { name, value: state, language: languageOf(state, machineLanguage) };
      machine = undefined;
      continue;
    }
    if (location.state && isJsonObject(value)) {
      const [first, second] = location.inState;
      const type = location.state.value.Type;
      const isBranch =
        type === 'Parallel' && first === 'Branches' && location.inState.length === 2 && second !== undefined;
      const isProcessor =
        type === 'Map' && (first === 'ItemProcessor' || first === 'Iterator') && location.inState.length === 1;
      if (isBranch || isProcessor) machine = value;
    }
  }
  location.value = value;
  return location;
}
