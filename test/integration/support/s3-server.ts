import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

/** A real S3-protocol server (s3rver) in a process of its own. */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>`: what `AWS_ENDPOINT_URL_S3` points at. */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * s3rver signs its ListObjectsV2 continuation tokens with DES, which Node's OpenSSL 3 refuses
 * unless the legacy provider is loaded; so it runs in a child Node process started with
 * `--openssl-legacy-provider`, not in the test's own process. The child prints its port once
 * listening and closes the server on SIGTERM.
 */
const SERVER = `
const fs = require('node:fs'), os = require('node:os'), path = require('node:path');
const S3rver = require('s3rver');
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-s3rver-'));
const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true });
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'));
process.on('SIGTERM', () => server.close().then(() => { fs.rmSync(directory, { recursive: true, force: true }); process.exit(0); }));
`;

/** Starts s3rver on a free port of 127.0.0.1 with an empty store. */
export async function startS3rver(): Promise<S3TestServer> {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', SERVER], {
    cwd: path.resolve(__dirname, '..', '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`s3rver exited with code ${code} before listening`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
