/**
 * A copy of an object's own enumerable members, exactly as `{ ...value }` makes it, for a copy
 * that then gets members of its own. On V8 (Node 20) a spread copy that is then given a member
 * takes microseconds, Object.assign into `{}` a tenth of that. The two differ only for a member
 * named `__proto__` (JSON.parse makes one): Object.assign would set the copy's prototype where the
 * spread defines the member, so an object that has one is copied by spread.
 */
export function copyObject<T extends object>(value: T): T {
  return Object.hasOwn(value, '__proto__') ? { ...value } : Object.assign({}, value);
}
