import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DefinitionCase, Verdict } from './definition-check';

/** How long one definition may take on the in-memory interpreter (virtual time: only CPU counts). */
export const CASE_TIMEOUT_MS = 10_000;

interface Slot {
  worker: Worker;
  /** Settles once the thread has loaded its modules (the case timer starts only then). */
  ready: Promise<void>;
  busy: boolean;
}

/**
 * Worker threads that check definitions, so that a case that never ends (a synchronous loop, a
 * catastrophic regular expression) is stopped: past CASE_TIMEOUT_MS its thread is terminated and
 * replaced, and the case is a `hang`. A thread that exits without answering is `worker died`.
 */
export class DefinitionPool {
  private slots: Slot[] = [];
  private waiting: ((slot: Slot) => void)[] = [];
  private nextId = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.slots.push({ ...this.spawn(), busy: false });
  }

  private spawn(): { worker: Worker; ready: Promise<void> } {
    const worker = new Worker(path.join(__dirname, 'definition-worker.js'), {
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    worker.unref();
    const ready = new Promise<void>((resolve) => {
      const onReady = (message: { ready?: boolean }) => {
        if (!message.ready) return;
        worker.off('message', onReady);
        resolve();
      };
      worker.on('message', onReady);
      worker.once('exit', () => resolve());
    });
    return { worker, ready };
  }

  private replace(slot: Slot): void {
    Object.assign(slot, this.spawn());
  }

  private async acquire(): Promise<Slot> {
    const free = this.slots.find((slot) => !slot.busy);
    if (free) {
      free.busy = true;
      return free;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /** Checks one case in a thread of the pool. */
  async check(testCase: DefinitionCase): Promise<Verdict> {
    const slot = await this.acquire();
    await slot.ready;
    const id = this.nextId++;
    const worker = slot.worker;
    const verdict = await new Promise<Verdict>((resolve) => {
      const timer = setTimeout(() => {
        cleanup();
        this.replace(slot);
        void worker.terminate();
        resolve({
          failure: {
            kind: 'hang',
            detail: `no answer within ${CASE_TIMEOUT_MS} ms (a synchronous loop, or a promise that never settles)`,
          },
          tags: [],
        });
      }, CASE_TIMEOUT_MS);
      const onMessage = (message: { id: number; verdict: Verdict }) => {
        if (message.id !== id) return;
        cleanup();
        resolve(message.verdict);
      };
      const onExit = (code: number) => {
        cleanup();
        this.replace(slot);
        resolve({
          failure: { kind: 'worker died', detail: `the checking thread exited with code ${code} (out of memory?)` },
          tags: [],
        });
      };
      const onError = (err: Error) => {
        cleanup();
        this.replace(slot);
        void worker.terminate();
        resolve({
          failure: { kind: 'worker died', detail: `${err.name}: ${err.message}`, stack: err.stack },
          tags: [],
        });
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      worker.on('error', onError);
      worker.postMessage({ id, testCase });
    });
    this.release(slot);
    return verdict;
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
