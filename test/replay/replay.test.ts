import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { workflowBundlePath } from '../../engine/temporal/bundle-workflows';
import { replaySinks } from './sinks';

Runtime.install({ logger: new DefaultLogger('WARN') });

const DIR = path.join(__dirname, 'histories');
const FILES = fs
  .readdirSync(DIR)
  .filter((file) => file.endsWith('.history.bin'))
  .sort();

/**
 * Histories recorded from real executions by earlier versions of the interpreter must replay
 * through the current workflow bundle without a nondeterminism error. Record new ones with
 * `RECORD_HISTORIES=1 npx jest test/integration/replay-record --selectProjects integration` (new cases only; `=all` rewrites every file).
 */
describe('replay of committed histories', () => {
  test('has histories to replay when the suite runs', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(3);
  });

  test.each(FILES)('replays %s without nondeterminism when run through the current bundle', async (file) => {
    const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(DIR, file)));
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: { codePath: workflowBundlePath() }, sinks: replaySinks() },
        history,
        file,
      ),
    ).resolves.toBeUndefined();
  });
});
