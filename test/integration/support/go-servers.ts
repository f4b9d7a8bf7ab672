import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheDir, loadConfig } from '../../../engine/config';
import { freePort, killPid, ROOT, waitForExit } from './stack';

/**
 * AWS-protocol servers written in Go, built from the Go module proxy into the user cache the first
 * time a test needs them (like the Temporal server): a clean clone with Go and the module proxy
 * builds them, later runs reuse the binaries.
 * - goaws: SQS and SNS over AWS's query protocol.
 * - AWS's Lambda Runtime Interface Emulator: Lambda's Invoke API in front of a runtime
 *   (`test/fixtures/lambda-runtime/bootstrap`, a Node.js runtime-API loop).
 */

/** goaws's account id in every ARN and queue URL it answers. */
export const GOAWS_ACCOUNT = '100010001000';

/** `go install <pkg>@<version>` once into the cache as `<name>-<version>`. */
function goBinary(pkg: string, version: string, name: string): string {
  const out = path.join(cacheDir(loadConfig({})), `${name}-${version}`);
  if (fs.existsSync(out)) return out;
  const go = fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), `stepflow-${name}-`));
  execFileSync(go, ['install', `${pkg}@${version}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: bin, GOFLAGS: '-buildvcs=false' },
  });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // Renamed into place: a concurrent run never sees half a binary.
  const staged = `${out}.${process.pid}`;
  fs.copyFileSync(path.join(bin, path.basename(pkg)), staged);
  fs.chmodSync(staged, 0o755);
  fs.renameSync(staged, out);
  fs.rmSync(bin, { recursive: true, force: true });
  return out;
}

async function waitUntil(what: string, pid: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) {
      killPid(pid);
      throw new Error(`${what} did not answer`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Goaws {
  /** `http://127.0.0.1:<port>`: the SQS and SNS endpoint. */
  endpoint: string;
  queueUrl(name: string): string;
  topicArn(name: string): string;
  stop(): Promise<void>;
}

/** Starts goaws with the given queues and topics (each topic delivers raw to its queues). */
export async function startGoaws(options: { queues: string[]; topics: Record<string, string[]> }): Promise<Goaws> {
  const binary = goBinary('github.com/Admiral-Piett/goaws/app/cmd', 'v0.4.5', 'goaws');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-goaws-'));
  const config = [
    'Local:',
    '  Host: 127.0.0.1',
    `  Port: ${port}`,
    '  Region: us-east-1',
    `  AccountId: "${GOAWS_ACCOUNT}"`,
    '  LogToFile: false',
    '  QueueAttributeDefaults:',
    '    VisibilityTimeout: 30',
    '    ReceiveMessageWaitTimeSeconds: 0',
    '    MaximumMessageSize: 262144',
    '  Queues:',
    ...options.queues.map((name) => `    - Name: ${name}`),
    '  Topics:',
    ...Object.entries(options.topics).flatMap(([topic, queues]) => [
      `    - Name: ${topic}`,
      '      Subscriptions:',
      ...queues.flatMap((queue) => [`        - QueueName: ${queue}`, '          Raw: true']),
    ]),
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'goaws.yaml'), `${config}\n`);
  const child = spawn(binary, ['-config', path.join(dir, 'goaws.yaml')], { stdio: 'ignore', detached: true });
  const pid = child.pid as number;
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntil(`goaws on ${endpoint}`, pid, () =>
    fetch(endpoint, { method: 'POST', body: new URLSearchParams({ Action: 'ListQueues' }) }).then((res) => res.ok),
  );
  return {
    endpoint,
    queueUrl: (name) => `${endpoint}/${GOAWS_ACCOUNT}/${name}`,
    topicArn: (name) => `arn:aws:sns:us-east-1:${GOAWS_ACCOUNT}:${name}`,
    stop: async () => {
      killPid(pid);
      await waitForExit(pid);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Lambda Runtime Interface Emulator: its Invoke API serves the one function named `function`. */
export async function startLambdaEmulator(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const binary = goBinary(
    'github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie',
    'v0.0.0-20261030222936-bef5c4ba774d',
    'aws-lambda-rie',
  );
  const [port, runtimePort] = [await freePort(), await freePort()];
  const bootstrap = path.join(ROOT, 'test', 'fixtures', 'lambda-runtime', 'bootstrap');
  const child = spawn(
    binary,
    [
      '--runtime-interface-emulator-address',
      `127.0.0.1:${port}`,
      '--runtime-api-address',
      `127.0.0.1:${runtimePort}`,
      '--log-level',
      'error',
      bootstrap,
    ],
    { stdio: 'ignore', detached: true, env: { ...process.env, AWS_LAMBDA_FUNCTION_NAME: 'function' } },
  );
  const pid = child.pid as number;
  const endpoint = `http://127.0.0.1:${port}`;
  // The first invocation starts the runtime; this one only checks that the emulator listens.
  await waitUntil(`the Lambda emulator on ${endpoint}`, pid, () =>
    fetch(`${endpoint}/2015-03-31/functions/nothing/invocations`, { method: 'POST' }).then(() => true),
  );
  return {
    endpoint,
    stop: async () => {
      // The emulator's process group: its runtime goes too.
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await waitForExit(pid);
    },
  };
}
