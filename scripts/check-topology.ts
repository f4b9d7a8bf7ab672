import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { createLogger } from '../engine/logger';
import { listBuildContext } from './topology/build-context';
import { parseComposeConfig } from './topology/compose';
import { runTopology } from './topology/compose-run';
import { parseDockerfile, type Stage } from './topology/dockerfile';
import { assembleImage } from './topology/image';
import { requiredVariables } from './topology/required-variables';
import { smokeTest } from './topology/smoke';

const run = promisify(execFile);

/** Values the check supplies for the variables compose requires (`${NAME:?…}`). */
const REQUIRED_VALUES: Record<string, () => string> = {
  // The API's bootstrap admin key, in the format `stepflow keys create` prints.
  STEPFLOW_ADMIN_KEY: () =>
    `SFK${randomBytes(8).toString('hex').toUpperCase()}.${randomBytes(24).toString('base64url')}`,
};

async function compose(projectDir: string, file: string, env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const { stdout } = await run('docker-compose', ['-f', file, '--project-directory', projectDir, ...args], {
    cwd: projectDir,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/**
 * `npm run check:topology`: proves what can be proven of the production topology without a Docker
 * engine. (1) The image: the build context that `.dockerignore` leaves, exactly the files the
 * Dockerfile COPYs, and its RUN lines (npm ci, the build) in a scratch directory. (2) Compose:
 * `docker-compose config` is the source of truth; every variable it requires must stop it when
 * unset; then each service runs from the assembled image in compose's order against a real local
 * Temporal server and Postgres, and must pass its healthcheck. (3) An execution through the API,
 * with the bootstrap admin key, runs a function to SUCCEEDED.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      project: { type: 'string', default: process.cwd() },
      dockerfile: { type: 'string', default: 'Dockerfile' },
      compose: { type: 'string', default: 'docker-compose.yml' },
      'image-only': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      /** Reuse an image assembled by an earlier run (`--keep`): `<dir>/image/1-1`. */
      'image-root': { type: 'string' },
    },
  });
  const projectDir = path.resolve(values.project as string);
  const composeFile = path.resolve(projectDir, values.compose as string);
  const started = Date.now();
  const report = (line: string) =>
    process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'check-topology');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-topology-'));
  try {
    const dockerfile = fs.readFileSync(path.resolve(projectDir, values.dockerfile as string), 'utf8');
    const context = listBuildContext(projectDir);
    report(`image: build context of ${context.length} files after .dockerignore`);
    const image = values['image-root']
      ? {
          root: path.resolve(values['image-root']),
          stage: parseDockerfile(dockerfile).pop() as Stage,
          contextFiles: {},
        }
      : await assembleImage({
          contextDir: projectDir,
          context,
          dockerfile,
          outDir: path.join(workDir, 'image'),
          report: (line) => report(`image: ${line}`),
        });
    report(
      `image: built; runs ${JSON.stringify([...(image.stage.entrypoint ?? []), ...(image.stage.cmd ?? [])])} in ${image.stage.workdir}`,
    );
    if (values['image-only']) return;

    const composeText = fs.readFileSync(composeFile, 'utf8');
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of requiredVariables(composeText)) delete env[name];
    for (const name of requiredVariables(composeText)) {
      const refused = await compose(projectDir, composeFile, env, ['config', '-q']).then(
        () => undefined,
        (err: { stderr?: string }) => err.stderr ?? 'failed',
      );
      if (refused === undefined || !refused.includes(name))
        throw new Error(
          `compose: with ${name} unset, docker-compose config must refuse and name it; it ${refused === undefined ? 'accepted the file' : `said: ${refused}`}`,
        );
      const value = REQUIRED_VALUES[name];
      if (!value)
        throw new Error(`compose: requires ${name}, for which the check has no value (add one to REQUIRED_VALUES)`);
      env[name] = value();
      report(`compose: refuses to start without ${name}; the check sets one`);
    }
    const services = parseComposeConfig(await compose(projectDir, composeFile, env, ['config']), projectDir);
    const runId = `stepflow_topology_${Date.now().toString(36)}_${process.pid}`;
    const topology = await runTopology({
      services,
      image,
      workDir,
      postgresServer: new URL(process.env.STEPFLOW_TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/'),
      runId,
      report: (line) => report(`compose: ${line}`),
      log,
    });
    try {
      const api = services.find((service) => service.build && (service.command ?? []).includes('api'));
      const url = api && topology.published[api.name]?.[0];
      if (!api || !url) throw new Error('compose: no service runs `api` with a published port');
      report(`smoke: ${await smokeTest(url, env.STEPFLOW_ADMIN_KEY as string, runId)}`);
    } finally {
      await topology.stop();
    }
    report('topology: every service started and passed its healthcheck');
  } finally {
    if (values.keep) report(`kept ${workDir}`);
    else fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`check-topology: ${err.message}\n`);
  process.exitCode = 1;
});
