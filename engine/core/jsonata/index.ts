/** JSONata as Step Functions runs it: `{% %}` templates, `$states`, the added functions, bounded evaluation. */
export {
  inspectExpression,
  inspectTemplate,
  STATES_FIELDS,
  type ExpressionFacts,
  type StatesField,
  type TemplateExpression,
  type TemplateProblem,
} from './check';
export {
  evaluateExpression,
  evaluateTemplate,
  evaluateTyped,
  jsonTypeName,
  queryError,
  QueryEvaluationFailure,
  type JsonataScope,
  type StatesVariable,
} from './evaluate';
export { javaSeededNextDouble, MAX_RANGE_ITEMS, stepFunctionsBindings, type FunctionHost } from './functions';
export { DEFAULT_JSONATA_LIMITS, EvaluationLimitError, type JsonataLimits } from './limits';
export { compileExpression, JsonataSyntaxError } from './parse';
export {
  EXPRESSION_CLOSE,
  EXPRESSION_OPEN,
  expressionStringProblem,
  expressionText,
  isExpressionString,
} from './template';
