/** ASL intrinsic functions (`States.Format(...)` and friends): parsing, validation, evaluation. */
export { evaluateCall, evaluateIntrinsic, parsedIntrinsic, type IntrinsicScope } from './evaluate';
export {
  formatValue,
  INT32_MAX,
  INT32_MIN,
  MAX_ARRAY_RANGE_ITEMS,
  MAX_ENCODING_INPUT_CHARS,
  MAX_INTRINSIC_STRING_CHARS,
  type IntrinsicEnv,
} from './functions';
export {
  countPlaceholders,
  IntrinsicSyntaxError,
  isIntrinsic,
  MAX_INTRINSIC_NESTING,
  parseIntrinsic,
  type IntrinsicArg,
  type IntrinsicCall,
} from './parser';
export { jsonTextDepth, MAX_JSON_DEPTH } from './json-depth';
export {
  checkArguments,
  isIntrinsicName,
  SIGNATURES,
  type ArgType,
  type IntrinsicName,
  type Signature,
} from './signatures';
