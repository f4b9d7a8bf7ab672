/** ASL intrinsic functions (`States.Format(...)` and friends): parsing, validation, evaluation. */
export { evaluateIntrinsic, parsedIntrinsic } from './evaluate';
export { MAX_INTRINSIC_STRING_CHARS, type IntrinsicEnv } from './functions';
export { IntrinsicSyntaxError, isIntrinsic, parseIntrinsic } from './parser';
export { jsonTextDepth, MAX_JSON_DEPTH } from './json-depth';
