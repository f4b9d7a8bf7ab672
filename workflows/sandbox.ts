/**
 * Runs first in the workflow bundle, once per worker thread, before the worker loads the preloaded
 * modules and freezes the sandbox's globals (bundle-workflows.ts puts it ahead of the SDK's entry).
 *
 * Workflow code records no stack traces. The SDK's promise hook captures one for every promise a
 * workflow creates (for Temporal's `__stack_trace` query) and maps each frame through the bundle's
 * source map; the interpreter creates thousands of promises per execution (JSONata evaluates
 * asynchronously), and that hook was a third of the workflow thread's CPU. The limit is read from
 * the sandbox's own `Error`, so the worker's other code keeps its stack traces. Workflow errors
 * keep their messages; a workflow task failure carries no stack and the stack trace query answers
 * empty.
 */
Error.stackTraceLimit = 0;

export {};
