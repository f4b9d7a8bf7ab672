/** The JSONPath dialect of Step Functions (Jayway semantics), as pure, bundle-safe code. */
export { evaluateAll, evaluateDefinite, jsonEquals, NoMatchError } from './evaluate';
export { JsonPathSyntaxError, normalizedPath, parseJsonPath, parseJsonPathPrefix, type ParsedPath } from './parse';
