import type { HistoryEvent } from '../schemas/history';

/**
 * What sees an execution's history events as the workflow emits them, inside the workflow
 * sandbox: the bundled telemetry interceptor installs one per workflow (engine/telemetry/
 * workflow-interceptors.ts) to turn state entries and exits into spans. It lives on the
 * workflow's own `globalThis`, which the SDK keeps apart per workflow, so workflows/ needs no
 * telemetry import.
 */
export interface StateEventObserver {
  observe(event: Readonly<HistoryEvent>): void;
}

const KEY = Symbol.for('stepflow.stateEventObserver');

/** Installs this workflow's observer (called by the workflow interceptor factory). */
export function installStateEventObserver(observer: StateEventObserver): void {
  (globalThis as Record<symbol, unknown>)[KEY] = observer;
}

/** This workflow's observer, if the telemetry interceptor installed one. */
export function stateEventObserver(): StateEventObserver | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as StateEventObserver | undefined;
}
