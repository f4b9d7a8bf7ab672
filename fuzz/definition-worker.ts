import { parentPort } from 'node:worker_threads';
import { checkDefinition, type DefinitionCase } from './definition-check';

/** Worker thread of the definitions target: checks one case per message (a hang is the parent's to detect). */
parentPort?.on('message', (message: { id: number; testCase: DefinitionCase }) => {
  void checkDefinition(message.testCase).then(
    (verdict) => parentPort?.postMessage({ id: message.id, verdict }),
    (err: unknown) =>
      parentPort?.postMessage({
        id: message.id,
        verdict: { failure: { kind: 'check threw', detail: String(err) }, tags: [] },
      }),
  );
});
parentPort?.postMessage({ ready: true });
