/** The JSONPath dialect of Step Functions (Jayway semantics), as pure, bundle-safe code. */
export { evaluateAll, evaluateDefinite, jsonEquals, NoMatchError, type PathRoots } from './evaluate';
export {
  JsonPathSyntaxError,
  normalizedPath,
  parseJsonPath,
  parseJsonPathPrefix,
  type FilterExpr,
  type ParsedPath,
  type PathRoot,
  type PathSegment,
} from './parse';
