import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SfnCallError, type SfnClient } from './sfn';

const REFUSALS_BEFORE_GIVING_UP = 3;

/** What the responder did. */
export interface ResponderStats {
  answered: number;
  /** SendTaskSuccess refused (e.g. `TaskTimedOut` for a token answered before its reply was lost). */
  refused: Array<{ executionId: string; error: string }>;
}

/**
 * The other side of the `callback` workload: picks up the tokens `soak-token` hands over
 * (`<evidence>/tokens/*.json`) and answers each with SendTaskSuccess `{"approved": value}`,
 * retrying while the API is down; an answered token moves to `answered/`.
 */
export function startResponder(
  client: SfnClient,
  evidenceDir: string,
): { stats: ResponderStats; stop(): Promise<void> } {
  const stats: ResponderStats = { answered: 0, refused: [] };
  const tokens = path.join(evidenceDir, 'tokens');
  const answered = path.join(evidenceDir, 'answered');
  const refusals = new Map<string, { count: number; afterRetry: boolean; notBefore: number }>();
  let running = true;
  const answer = async (file: string): Promise<void> => {
    const { token, value, executionId } = JSON.parse(fs.readFileSync(path.join(tokens, file), 'utf8'));
    const trace = { retried: 0 };
    try {
      await client.call(
        'SendTaskSuccess',
        { taskToken: token, output: JSON.stringify({ approved: value }) },
        600_000,
        trace,
      );
      stats.answered++;
    } catch (err) {
      if (!(err instanceof SfnCallError)) {
        // The API stayed unavailable for the call's whole deadline: try again later.
        refusals.set(file, { count: refusals.get(file)?.count ?? 0, afterRetry: true, notBefore: Date.now() + 3_000 });
        return;
      }
      // Refused: asked too early, or answered already (a reply lost with the API). Ask again a
      // few times, then give up and leave the verdict to the execution's status.
      const previous = refusals.get(file);
      const count = (previous?.count ?? 0) + 1;
      const afterRetry = (previous?.afterRetry ?? false) || trace.retried > 0;
      if (count < REFUSALS_BEFORE_GIVING_UP && !afterRetry) {
        refusals.set(file, { count, afterRetry, notBefore: Date.now() + 3_000 });
        return;
      }
      stats.refused.push({
        executionId,
        error: `${err.message}${afterRetry ? ' (after a retried call: an earlier attempt may have gone through)' : ''}`,
      });
    }
    refusals.delete(file);
    fs.renameSync(path.join(tokens, file), path.join(answered, `${file}.${Date.now()}`));
  };
  const loop = (async () => {
    while (running) {
      const now = Date.now();
      const files = fs
        .readdirSync(tokens)
        .filter((file) => file.endsWith('.json') && (refusals.get(file)?.notBefore ?? 0) <= now);
      // A few at a time: each waits out an outage by itself.
      for (let i = 0; i < files.length; i += 8) await Promise.all(files.slice(i, i + 8).map(answer));
      if (files.length === 0) await sleep(200);
    }
  })();
  return {
    stats,
    async stop() {
      running = false;
      await loop;
    },
  };
}
