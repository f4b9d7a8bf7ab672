import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../engine/logger';
import { parseComposeConfig } from '../../scripts/topology/compose';
import { runTopology } from '../../scripts/topology/compose-run';
import { parseDockerfile, type Stage } from '../../scripts/topology/dockerfile';
import type { AssembledImage } from '../../scripts/topology/image';
import { ROOT, readStack } from './support/stack';

/**
 * The compose runner on the real stack's Temporal server and Postgres, with the built repository
 * standing in for the image (its `/app` is this checkout; `npm run check:topology` builds the real
 * one in CI). Each case gets its own task queue and databases.
 */
const SERVICES_HEAD = `services:
  postgres:
    image: postgres:16
  temporal:
    image: temporalio/auto-setup:1.31.2
    depends_on: { postgres: { condition: service_started } }
  migrate:
    build: .
    command: ["migrate"]
    depends_on: { postgres: { condition: service_started } }
    environment: &env
      DATABASE_URL: postgres://postgres:postgres@postgres:5432/stepflow
      TEMPORAL_ADDRESS: temporal:7233
      TEMPORAL_TASK_QUEUE: QUEUE
      LOG_LEVEL: info
`;

const API = (host: string) => `  api:
    build: .
    command: ["api"]
    depends_on:
      migrate: { condition: service_completed_successfully }
      temporal: { condition: service_started }
    environment:
      <<: *env
      HOST: ${host}
      PORT: "8080"
    ports: ["127.0.0.1:8080:8080"]
    healthcheck:
      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
      interval: 1s
      timeout: 10s
      retries: 60
`;

const WORKERS = `  worker:
    build: .
    command: ["worker"]
    depends_on:
      migrate: { condition: service_completed_successfully }
    environment:
      <<: *env
      WORKER_METRICS_PORT: "9464"
    expose: ["9464"]
    healthcheck:
      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:9464/metrics').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
      interval: 1s
      timeout: 10s
      retries: 60
    deploy: { replicas: 2 }
`;

describe('runTopology', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  async function run(
    composeText: string,
  ): Promise<{ lines: string[]; published: Record<string, string[]>; stop(): Promise<void> }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-topology-test-'));
    dirs.push(dir);
    fs.symlinkSync(ROOT, path.join(dir, 'app'));
    const runId = `stepflow_topo_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), composeText.replace('QUEUE', `topology-${runId}`));
    const config = execFileSync(
      'docker-compose',
      ['-f', path.join(dir, 'docker-compose.yml'), '--project-directory', ROOT, 'config'],
      { encoding: 'utf8' },
    );
    const image: AssembledImage = {
      root: dir,
      stage: parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).pop() as Stage,
      contextFiles: {},
    };
    const lines: string[] = [];
    const stack = readStack();
    const postgresServer = new URL(stack.databaseUrl);
    postgresServer.pathname = '/';
    const topology = await runTopology({
      services: parseComposeConfig(config, ROOT),
      image,
      workDir: dir,
      postgresServer,
      runId,
      temporalAddress: stack.temporalAddress,
      report: (line) => lines.push(line.replace(/ \(\d+ ms\)$/, '')),
      log: createLogger('warn'),
    });
    return { lines, ...topology };
  }

  test('starts services in compose order, one-shots to completion, every replica healthy', async () => {
    const topology = await run(SERVICES_HEAD + API('127.0.0.1') + WORKERS);
    try {
      const stack = readStack();
      expect(topology.lines).toEqual([
        `postgres (postgres:16): stood in for by the Postgres at ${new URL(stack.databaseUrl).host}`,
        'migrate: node bin/stepflow.js migrate × 1',
        'migrate: completed successfully',
        `temporal (temporalio/auto-setup:1.31.2): stood in for by the Temporal server at ${stack.temporalAddress}`,
        'api: node bin/stepflow.js api × 1',
        'api: healthy, healthcheck passes',
        'worker: node bin/stepflow.js worker × 2',
        'worker[1/2]: healthy, healthcheck passes',
        'worker[2/2]: healthy, healthcheck passes',
      ]);
      const apiUrl = topology.published.api?.[0] as string;
      expect(apiUrl).not.toBe('http://127.0.0.1:8080');
      expect((await fetch(`${apiUrl}/readyz`)).status).toBe(200);
      // Two workers, two containers of their own: each serves metrics on its own mapped port.
      expect(new Set(topology.published.worker).size).toBe(2);
    } finally {
      await topology.stop();
    }
  });

  test('fails, with the reason from its output, when the API listens on 0.0.0.0 with no key (the old compose file)', async () => {
    await expect(run(SERVICES_HEAD + API('0.0.0.0') + WORKERS)).rejects.toThrow(
      /^api exited \(1\) before it was healthy; its output:\n[\s\S]*refusing to listen on 0\.0\.0\.0 without API keys/,
    );
  });
});
