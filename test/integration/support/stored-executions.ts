import { createPool, type Pool } from '../../../engine/db/pool';
import { insertExecution } from '../../../engine/db/executions-repo';
import { createMachine, uniqueName } from './client';
import { readStack } from './stack';

const PASS = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

/** A pool on the stack's database, and a machine whose executions a test inserts itself. */
export interface StoredExecutions {
  readonly pool: Pool;
  readonly machine: string;
  /** Inserts a RUNNING execution of the machine named `name` (no workflow runs it); its id. */
  insert(name: string): Promise<string>;
}

/**
 * For tests of the store's writers and readers, which need executions but no workflow: opens a
 * pool and creates a Pass machine (through the stack's API) before the file's tests, and closes
 * the pool after them.
 */
export function storedExecutions(prefix: string): StoredExecutions {
  let pool: Pool | undefined;
  let machine = '';
  beforeAll(async () => {
    pool = createPool(readStack().databaseUrl);
    machine = uniqueName(prefix);
    await createMachine(machine, PASS);
  });
  afterAll(async () => {
    await pool?.end();
  });
  const opened = (): Pool => {
    if (!pool) throw new Error('storedExecutions: used outside a test');
    return pool;
  };
  return {
    get pool() {
      return opened();
    },
    get machine() {
      return machine;
    },
    async insert(name) {
      const executionId = `${machine}:${name}`;
      await insertExecution(opened(), { executionId, stateMachine: machine, version: 1, name, input: {} });
      return executionId;
    },
  };
}
