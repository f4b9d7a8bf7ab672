import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

let installed = false;

/** Routes the Temporal SDK's own logs (worker, workflow `log`) into pino, once per process. */
export function installTemporalRuntime(log: Logger): void {
  if (installed) return;
  installed = true;
  const level: LogLevel = log.isLevelEnabled('debug') ? 'DEBUG' : 'INFO';
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const meta = { ...(entry.meta ?? {}), component: 'temporal' } as Record<string, unknown>;
      if (typeof meta.workflowId === 'string') meta.executionId = meta.workflowId;
      const fn =
        entry.level === 'ERROR' ? 'error' : entry.level === 'WARN' ? 'warn' : entry.level === 'INFO' ? 'info' : 'debug';
      log[fn](meta, entry.message);
    }),
  });
}
