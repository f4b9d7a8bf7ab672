import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one Stepflow process (API, worker, function host or triggers), on its own registry. */
export function createMetrics(role: 'api' | 'worker' | 'functions' | 'triggers') {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    executionsStarted: new Counter({
      name: 'stepflow_executions_started_total',
      help: 'Executions started through the API',
      registers: [registry],
    }),
    executionsClosed: new Counter({
      name: 'stepflow_executions_closed_total',
      help: 'Executions that ended, by status',
      labelNames: ['status'],
      registers: [registry],
    }),
    stateTransitions: new Counter({
      name: 'stepflow_state_transitions_total',
      help: 'States entered, by state machine and state type',
      labelNames: ['state_machine', 'type'],
      registers: [registry],
    }),
    stateDuration: new Histogram({
      name: 'stepflow_state_duration_seconds',
      help: 'Time from entering a state to leaving it, by state machine and state type',
      labelNames: ['state_machine', 'type'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 3600],
      registers: [registry],
    }),
    executionsByMachine: new Counter({
      name: 'stepflow_executions_total',
      help: 'Executions started (status RUNNING) and ended (their final status), by state machine',
      labelNames: ['state_machine', 'status'],
      registers: [registry],
    }),
    executionDuration: new Histogram({
      name: 'stepflow_execution_duration_seconds',
      help: 'Time from start to end of executions, by state machine and final status',
      labelNames: ['state_machine', 'status'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 86400],
      registers: [registry],
    }),
    taskDuration: new Histogram({
      name: 'stepflow_task_duration_seconds',
      help: 'Duration of function invocations, by outcome',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    apiDuration: new Histogram({
      name: 'stepflow_api_request_duration_seconds',
      help: 'API request latency, by route and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
