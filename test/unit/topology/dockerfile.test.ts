import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listBuildContext, parseDockerignore } from '../../../scripts/topology/build-context';
import { DockerfileError, nodeImageMajor, parseDockerfile } from '../../../scripts/topology/dockerfile';
import { assembleImage, ImageBuildError, planContextCopy } from '../../../scripts/topology/image';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The Dockerfile as it was before the fix: the build stage lacks tsconfig.build.json. */
const BEFORE_FIX = `# comment
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY schemas schemas
COPY engine engine
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 \\
    PORT=8080
WORKDIR /app
COPY --from=build /app/dist dist
COPY bin bin
ENTRYPOINT ["node", "bin/stepflow.js"]
CMD ["api"]
`;

const CONTEXT = [
  'Dockerfile',
  'bin/stepflow.js',
  'engine/config.ts',
  'engine/db/sql/001_init.sql',
  'package-lock.json',
  'package.json',
  'schemas/config.ts',
  'tsconfig.build.json',
  'tsconfig.json',
];

/** Every context file a stage's COPYs put in the image, as container paths. */
function contextFileSet(dockerfile: string, stageIndex: number): string[] {
  const stage = parseDockerfile(dockerfile)[stageIndex];
  if (!stage) throw new Error('no such stage');
  return stage.steps.flatMap((step) =>
    step.kind === 'COPY' && step.from === undefined
      ? planContextCopy(step, step.workdir, CONTEXT).map((file) => file.dest)
      : [],
  );
}

describe('parseDockerfile', () => {
  test('reads stages, WORKDIR, ENV with continuations, COPY, RUN, ENTRYPOINT and CMD', () => {
    const [build, final] = parseDockerfile(BEFORE_FIX);
    expect(build?.name).toBe('build');
    expect(
      build?.steps.map((step) =>
        step.kind === 'RUN' ? `RUN ${step.text}` : `COPY ${step.sources.join(' ')} -> ${step.dest}`,
      ),
    ).toEqual([
      'COPY package.json package-lock.json -> ./',
      'RUN npm ci',
      'COPY tsconfig.json -> ./',
      'COPY schemas -> schemas',
      'COPY engine -> engine',
      'RUN npm run build && npm prune --omit=dev',
    ]);
    expect(build?.steps[1]).toMatchObject({ argv: ['/bin/sh', '-c', 'npm ci'], workdir: '/app', line: 5 });
    expect(final).toMatchObject({
      name: '1',
      image: 'node:20-bookworm-slim',
      workdir: '/app',
      env: { NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '8080' },
      entrypoint: ['node', 'bin/stepflow.js'],
      cmd: ['api'],
    });
    expect(final?.steps[0]).toMatchObject({ kind: 'COPY', from: 'build', sources: ['/app/dist'], dest: 'dist' });
  });

  test('refuses instructions the check cannot emulate, naming the line', () => {
    expect(() => parseDockerfile('FROM node:20\nADD https://example.com/x /x\n')).toThrow(
      new DockerfileError('line 2: ADD is not supported by the check'),
    );
    expect(() => parseDockerfile('FROM node:20\nCOPY $SRC /x\n')).toThrow(
      new DockerfileError('line 2: variables in COPY are not supported by the check'),
    );
    expect(() => parseDockerfile('RUN true\n')).toThrow(new DockerfileError('line 1: RUN before FROM'));
  });

  test('nodeImageMajor reads the Node major of node images only', () => {
    expect([
      nodeImageMajor('node:20-bookworm-slim'),
      nodeImageMajor('docker.io/library/node:22'),
      nodeImageMajor('postgres:16'),
    ]).toEqual([20, 22, undefined]);
  });
});

describe('planContextCopy', () => {
  test('the build stage before the fix lacks /app/tsconfig.build.json', () => {
    expect(contextFileSet(BEFORE_FIX, 0)).toEqual([
      '/app/package.json',
      '/app/package-lock.json',
      '/app/tsconfig.json',
      '/app/schemas/config.ts',
      '/app/engine/config.ts',
      '/app/engine/db/sql/001_init.sql',
    ]);
  });

  test('the build stage of the repository Dockerfile has every file npm run build reads', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const context = listBuildContext(ROOT);
    const stage = parseDockerfile(dockerfile)[0];
    const files =
      stage?.steps.flatMap((step) =>
        step.kind === 'COPY' && step.from === undefined
          ? planContextCopy(step, step.workdir, context).map((file) => file.dest)
          : [],
      ) ?? [];
    const buildConfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
      include: string[];
      extends: string;
    };
    expect(files).toEqual(
      expect.arrayContaining([
        '/app/package.json',
        '/app/package-lock.json',
        '/app/tsconfig.json',
        '/app/tsconfig.build.json',
      ]),
    );
    for (const folder of buildConfig.include)
      expect(files.some((file) => file.startsWith(`/app/${folder}/`))).toBe(true);
  });

  test('file and directory sources, a file renamed, wildcards', () => {
    const plan = (line: string) =>
      planContextCopy(parseDockerfile(`FROM node:20\nWORKDIR /srv\n${line}\n`)[0]?.steps[0] as never, '/srv', CONTEXT);
    expect(plan('COPY engine/db /x')).toEqual([{ src: 'engine/db/sql/001_init.sql', dest: '/x/sql/001_init.sql' }]);
    expect(plan('COPY tsconfig.json conf.json')).toEqual([{ src: 'tsconfig.json', dest: '/srv/conf.json' }]);
    expect(plan('COPY tsconfig*.json ./')).toEqual([
      { src: 'tsconfig.build.json', dest: '/srv/tsconfig.build.json' },
      { src: 'tsconfig.json', dest: '/srv/tsconfig.json' },
    ]);
  });

  test('a source missing from the context fails as docker build does', () => {
    const copy = parseDockerfile('FROM node:20\nCOPY node_modules ./\n')[0]?.steps[0];
    expect(() => planContextCopy(copy as never, '/', CONTEXT)).toThrow(
      new DockerfileError(
        'line 2: COPY node_modules: not in the build context (missing, or excluded by .dockerignore)',
      ),
    );
  });
});

describe('parseDockerignore', () => {
  test('a directory rule excludes what is below it; the last matching rule wins', () => {
    const ignore = parseDockerignore('# generated\nnode_modules\n/dist/\n**/*.log\n!keep.log\n.git\n');
    const paths = [
      'node_modules/x/index.js',
      'dist/a.js',
      'src/dist/a.js',
      'a/b/c.log',
      'keep.log',
      '.git/HEAD',
      '.gitignore',
      'engine/x.ts',
    ];
    expect(paths.filter((p) => ignore.excluded(p))).toEqual([
      'node_modules/x/index.js',
      'dist/a.js',
      'a/b/c.log',
      '.git/HEAD',
    ]);
    expect(ignore.hasExceptions).toBe(true);
  });

  test('the repository .dockerignore leaves node_modules, dist and .git out of the context', () => {
    const context = listBuildContext(ROOT);
    expect(context.filter((file) => /^(node_modules|dist|\.git|\.data)\//.test(file))).toEqual([]);
    expect(parseDockerignore(fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')).excluded('.env')).toBe(true);
    expect(context).toEqual(
      expect.arrayContaining(['Dockerfile', 'package.json', 'tsconfig.build.json', 'functions/greet.js']),
    );
  });
});

describe('assembleImage', () => {
  /** A tiny project whose build reads build.config, with no dependencies (npm ci is instant). */
  function project(dockerfile: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-image-test-'));
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'tiny', version: '1.0.0', scripts: { build: 'node build.js' } }),
      'package-lock.json': JSON.stringify({
        name: 'tiny',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name: 'tiny', version: '1.0.0' } },
      }),
      'build.js':
        "require('fs').writeFileSync('out.txt', require('fs').readFileSync('build.config', 'utf8').toUpperCase());",
      'build.config': 'built',
      '.dockerignore': 'secret.txt\n',
      'secret.txt': 'no',
      Dockerfile: dockerfile,
    };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  }

  async function build(dockerfile: string): Promise<{ out: string; lines: string[] }> {
    const dir = project(dockerfile);
    const lines: string[] = [];
    try {
      const image = await assembleImage({
        contextDir: dir,
        context: listBuildContext(dir),
        dockerfile,
        outDir: path.join(dir, '.image'),
        report: (line) => lines.push(line),
      });
      return { out: fs.readFileSync(path.join(image.root, 'srv', 'out.txt'), 'utf8'), lines };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  const FROM = `FROM node:${process.versions.node.split('.')[0]}-slim AS build\nWORKDIR /srv\nCOPY package.json package-lock.json ./\nRUN npm ci\n`;

  test('runs the RUN lines on exactly the copied files', async () => {
    await expect(build(`${FROM}COPY build.js build.config ./\nRUN npm run build\n`)).resolves.toEqual({
      out: 'BUILT',
      lines: ['[build] RUN npm ci', '[build] RUN npm run build', '[build] 4 files from the build context'],
    });
  });

  test('fails when the build needs a file the Dockerfile does not copy', async () => {
    const failure = build(`${FROM}COPY build.js ./\nRUN npm run build\n`);
    await expect(failure).rejects.toThrow(ImageBuildError);
    await expect(failure).rejects.toThrow(
      /^stage build, line 6: RUN npm run build: exit 1\n[\s\S]*ENOENT: no such file or directory, open 'build.config'/,
    );
  });

  test('fails when a COPY names a file .dockerignore leaves out', async () => {
    await expect(build(`${FROM}COPY secret.txt ./\n`)).rejects.toThrow(
      new DockerfileError('line 5: COPY secret.txt: not in the build context (missing, or excluded by .dockerignore)'),
    );
  });

  test('refuses a base image of another Node major', async () => {
    await expect(build('FROM node:12 AS build\nWORKDIR /srv\n')).rejects.toThrow(
      `stage build is based on node:12 but this machine runs Node ${process.versions.node}: the emulated build would not be the image's`,
    );
  });
});
