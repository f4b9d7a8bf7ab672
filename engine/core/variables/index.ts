/** Workflow variables (`Assign`, `$name`): scopes, evaluation in both query languages, limits. */
export {
  assignedVariablesDetails,
  commitAssignment,
  evaluateJsonataAssign,
  evaluateJsonPathAssign,
  type Assignment,
} from './assign';
export { checkAssignSize, MAX_ASSIGN_BYTES, MAX_EXECUTION_VARIABLE_BYTES, MAX_VARIABLE_BYTES } from './limits';
export { MAX_VARIABLE_NAME_LENGTH, RESERVED_VARIABLE_NAMES, variableNameProblem } from './names';
export { VariableScope } from './scope';
