/** JSONata as Step Functions runs it: `{% %}` templates, `$states`, the added functions, bounded evaluation. */
export { inspectTemplate, type StatesField } from './check';
export {
  evaluateExpression,
  evaluateTemplate,
  evaluateTyped,
  queryError,
  QueryEvaluationFailure,
  type JsonataScope,
  type StatesVariable,
} from './evaluate';
export { javaSeededNextDouble } from './functions';
export { DEFAULT_JSONATA_LIMITS } from './limits';
export { compileExpression } from './parse';
export { expressionText, isExpressionString } from './template';
