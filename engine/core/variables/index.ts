/** Workflow variables (`Assign`, `$name`): scopes, evaluation in both query languages, limits. */
export {
  assignedVariablesDetails,
  commitAssignment,
  evaluateJsonataAssign,
  evaluateJsonPathAssign,
  type Assignment,
} from './assign';
export { checkAssignSize, MAX_VARIABLE_BYTES } from './limits';
export { variableNameProblem } from './names';
export { VariableScope } from './scope';
