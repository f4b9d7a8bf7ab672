/** The workflow bundle's entry: every workflow the worker registers. */
export { stepflowExecution } from './execution';
export { functionInvocation } from './function-invocation';
export { scheduledExecution } from './scheduled-execution';
export { stepflowMapRun } from './map-run';
