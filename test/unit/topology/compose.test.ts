import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  ComposeError,
  parseComposeConfig,
  parseDuration,
  rewriteHealthcheckArg,
  rewriteValue,
  startOrder,
  type HostMapping,
} from '../../../scripts/topology/compose';
import { standInFor } from '../../../scripts/topology/compose-run';
import { requiredVariables } from '../../../scripts/topology/required-variables';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** `docker-compose config` output, as Debian's docker-compose 1.29 prints it. */
const CONFIG = `services:
  api:
    build:
      context: /srv/project
    command:
    - api
    depends_on:
      migrate:
        condition: service_completed_successfully
      temporal:
        condition: service_healthy
    environment:
      DATABASE_URL: postgres://postgres:postgres@postgres:5432/stepflow
      PORT: '8080'
      TEMPORAL_ADDRESS: temporal:7233
    healthcheck:
      interval: 5s
      retries: 20
      test:
      - CMD
      - node
      - -e
      - fetch('http://127.0.0.1:8080/readyz')
      timeout: 5s
    ports:
    - 127.0.0.1:8080:8080/tcp
  migrate:
    build:
      context: /srv/project
    command:
    - migrate
    depends_on:
      postgres:
        condition: service_healthy
    environment:
      DATABASE_URL: postgres://postgres:postgres@postgres:5432/stepflow
  postgres:
    image: postgres:16
    healthcheck:
      test:
      - CMD-SHELL
      - pg_isready -U postgres
  temporal:
    depends_on:
      postgres:
        condition: service_healthy
    image: temporalio/auto-setup:1.31.2
  worker:
    build:
      context: /srv/project
    command:
    - worker
    depends_on:
    - temporal
    deploy:
      replicas: 2
    environment:
      FUNCTIONS_DIR: /app/functions
      WORKER_METRICS_PORT: '9464'
    expose:
    - '9464'
    volumes:
    - /srv/project/functions:/app/functions:ro
    - pgdata:/data:rw
`;

describe('parseComposeConfig', () => {
  test('reads commands, environment, dependencies, healthchecks, ports, mounts and replicas', () => {
    const services = parseComposeConfig(CONFIG, '/srv/project');
    const byName = Object.fromEntries(services.map((service) => [service.name, service]));
    expect(byName.api).toMatchObject({
      command: ['api'],
      dependsOn: { migrate: 'service_completed_successfully', temporal: 'service_healthy' },
      healthcheck: {
        argv: ['node', '-e', "fetch('http://127.0.0.1:8080/readyz')"],
        intervalMs: 5000,
        timeoutMs: 5000,
        retries: 20,
        startPeriodMs: 0,
      },
      containerPorts: [8080],
      replicas: 1,
    });
    expect(byName.postgres?.healthcheck).toEqual({
      argv: ['/bin/sh', '-c', 'pg_isready -U postgres'],
      intervalMs: 30000,
      timeoutMs: 30000,
      retries: 3,
      startPeriodMs: 0,
    });
    expect(byName.worker).toMatchObject({
      dependsOn: { temporal: 'service_started' },
      containerPorts: [9464],
      mounts: [{ source: '/srv/project/functions', target: '/app/functions' }],
      replicas: 2,
    });
  });

  test('the repository compose file runs migrate, api, workers and a function host', () => {
    const config = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
      cwd: ROOT,
      env: { ...process.env, STEPFLOW_ADMIN_KEY: 'SFK0.secret' },
      encoding: 'utf8',
    });
    const services = parseComposeConfig(config, ROOT);
    expect(
      startOrder(services).map(
        (service) => `${service.name}${service.command ? ` ${service.command.join(' ')}` : ''} ×${service.replicas}`,
      ),
    ).toEqual([
      'postgres ×1',
      'migrate migrate ×1',
      'temporal ×1',
      'api api ×1',
      'functions functions ×1',
      'temporal-ui ×1',
      'triggers triggers ×1',
      'worker worker ×2',
    ]);
    const api = services.find((service) => service.name === 'api');
    expect(api?.environment).toMatchObject({ HOST: '0.0.0.0', STEPFLOW_ADMIN_KEY: 'SFK0.secret' });
    for (const name of ['api', 'worker', 'functions'])
      expect(services.find((service) => service.name === name)?.healthcheck).toBeDefined();
  });

  test('compose refuses the repository file without STEPFLOW_ADMIN_KEY, naming it', () => {
    const env = { ...process.env };
    delete env.STEPFLOW_ADMIN_KEY;
    expect(() =>
      execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, env, stdio: 'pipe' }),
    ).toThrow(/set STEPFLOW_ADMIN_KEY=<id>\.<secret>/);
  });
});

describe('startOrder', () => {
  test('every service after what it depends on, ties by name', () => {
    expect(startOrder(parseComposeConfig(CONFIG, '/srv')).map((service) => service.name)).toEqual([
      'postgres',
      'migrate',
      'temporal',
      'api',
      'worker',
    ]);
  });

  test('a cycle or an unknown dependency is an error', () => {
    const cyclic = 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n';
    expect(() => startOrder(parseComposeConfig(cyclic, '/'))).toThrow(new ComposeError('dependency cycle: a → b → a'));
    expect(() =>
      startOrder(parseComposeConfig('services:\n  a:\n    image: x\n    depends_on: [nope]\n', '/')),
    ).toThrow(new ComposeError('a depends on nope, which is not a service'));
  });
});

describe('rewriteValue', () => {
  const map: HostMapping = {
    hosts: { postgres: '127.0.0.1:5432', temporal: '127.0.0.1:24233' },
    databases: { stepflow: 'run1_stepflow' },
    ports: { 8080: 41000 },
    paths: [
      { target: '/app/functions', source: '/srv/project/functions' },
      { target: '/', source: '/tmp/image' },
    ],
  };

  test('only stand-in hosts, database names, container ports and container paths change', () => {
    expect(
      [
        'postgres://postgres:postgres@postgres:5432/stepflow',
        'postgres://db.example.com:5432/stepflow',
        'temporal:7233',
        'other:7233',
        '8080',
        '9090',
        '/app/functions/greet.js',
        '/app/dist',
        '0.0.0.0',
        'info',
      ].map((value) => rewriteValue(value, map)),
    ).toEqual([
      'postgres://postgres:postgres@127.0.0.1:5432/run1_stepflow',
      'postgres://db.example.com:5432/stepflow',
      '127.0.0.1:24233',
      'other:7233',
      '41000',
      '9090',
      '/srv/project/functions/greet.js',
      '/tmp/image/app/dist',
      '0.0.0.0',
      'info',
    ]);
  });

  test('healthchecks reach the container port through its mapped port', () => {
    expect(rewriteHealthcheckArg("fetch('http://127.0.0.1:8080/readyz'); fetch('http://localhost:9090/')", map)).toBe(
      "fetch('http://127.0.0.1:41000/readyz'); fetch('http://localhost:9090/')",
    );
  });
});

describe('helpers', () => {
  test('parseDuration reads compose durations', () => {
    expect(['5s', '1m30s', '250ms', '1h', '1.5s'].map(parseDuration)).toEqual([5000, 90000, 250, 3600000, 1500]);
    expect(() => parseDuration('5 seconds')).toThrow(new ComposeError('cannot read the duration 5 seconds'));
  });

  test('standInFor knows the Postgres and Temporal server images only', () => {
    expect(
      [
        'postgres:16',
        'docker.io/library/postgres:16',
        'temporalio/auto-setup:1.31.2',
        'temporalio/ui:2.34.0',
        undefined,
      ].map(standInFor),
    ).toEqual(['postgres', 'postgres', 'temporal', undefined, undefined]);
  });

  test('requiredVariables lists ${NAME:?…} and ${NAME?…} once each', () => {
    expect(requiredVariables('a: ${B:?set B}\nc: ${A?x} ${B:?again} ${C:-default} $D')).toEqual(['A', 'B']);
  });
});
