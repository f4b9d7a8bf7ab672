/**
 * `npm run bench:console [-- --smoke]`: the web console's bundle size, and how long Chromium
 * takes to open an execution with 10,000 history events (graph drawn with every state's status,
 * the whole history loaded in keyset pages), and to show its timeline. Starts its own stack
 * (bench/stack.ts); appends a "Console" section to bench/RESULTS.md unless --smoke.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/integration/support/browser';
import { quantile } from './metrics';
import { ROOT, startBenchStack } from './stack';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** An inline Map over N items of one Pass: 4 events per item (iteration started/succeeded, entered/exited). */
const MACHINE = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Next: 'Each' },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 0,
      ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
      ResultPath: null,
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

interface Sizes {
  files: { name: string; bytes: number; gzip: number }[];
  js: { bytes: number; gzip: number };
  css: { bytes: number; gzip: number };
}

/** The built console's assets (dist/ui/assets), raw and gzipped; source maps excluded. */
export function bundleSizes(dir = path.join(ROOT, 'dist', 'ui', 'assets')): Sizes {
  const files = fs
    .readdirSync(dir)
    .filter((name) => /\.(js|css)$/.test(name))
    .map((name) => {
      const data = fs.readFileSync(path.join(dir, name));
      return { name, bytes: data.length, gzip: gzipSync(data, { level: 9 }).length };
    });
  const sum = (ext: string) =>
    files
      .filter((f) => f.name.endsWith(ext))
      .reduce((total, f) => ({ bytes: total.bytes + f.bytes, gzip: total.gzip + f.gzip }), { bytes: 0, gzip: 0 });
  return { files, js: sum('.js'), css: sum('.css') };
}

async function api(url: string, method: string, body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function main(): Promise<number> {
  const smoke = process.argv.includes('--smoke');
  const items = smoke ? 50 : 2_500;
  const rounds = smoke ? 1 : 5;
  const sizes = bundleSizes();
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  say(
    `console bundle: JS ${kib(sizes.js.bytes)} (${kib(sizes.js.gzip)} gzip), CSS ${kib(sizes.css.bytes)} (${kib(sizes.css.gzip)} gzip)`,
  );

  const stack = await startBenchStack();
  const browser = await launchChromium();
  try {
    await api(`${stack.apiUrl}/v1/state-machines`, 'POST', { name: 'console-bench', definition: MACHINE });
    const started = await api(`${stack.apiUrl}/v1/state-machines/console-bench/executions`, 'POST', {
      input: { items: Array.from({ length: items }, (_, i) => i) },
    });
    const id = started.executionId as string;
    const deadline = Date.now() + 600_000;
    let described = await api(`${stack.apiUrl}/v1/executions/${encodeURIComponent(id)}`, 'GET');
    while (described.status === 'RUNNING') {
      if (Date.now() > deadline) throw new Error(`${id} still running after 10 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      described = await api(`${stack.apiUrl}/v1/executions/${encodeURIComponent(id)}`, 'GET');
    }
    if (described.status !== 'SUCCEEDED') throw new Error(`${id} ended ${described.status}`);

    const opens: number[] = [];
    const firstPaints: number[] = [];
    const timelines: number[] = [];
    const gantts: number[] = [];
    let events = 0;
    let ganttRows = 0;
    for (let round = 0; round < rounds; round++) {
      // A fresh context each round: nothing cached from the round before.
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${stack.apiUrl}/ui/#/executions/${encodeURIComponent(id)}`);
      // First paint of the graph with statuses (first history page), then the whole history loaded.
      await page.waitForSelector('g.node[data-status="succeeded"]', { timeout: 120_000 });
      const firstPaint = await page.evaluate(() => performance.now());
      await page.waitForSelector('section.execution[data-history-loaded]', { timeout: 120_000 });
      // One more frame: the statuses of the last page are drawn.
      const open = await page.evaluate(
        () =>
          new Promise<number>((resolve) =>
            (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() =>
              resolve(performance.now()),
            ),
          ),
      );
      events = Number(await page.locator('section.execution').getAttribute('data-history-loaded'));
      const before = await page.evaluate(() => performance.now());
      await page.getByRole('button', { name: 'Timeline' }).click();
      await page.waitForSelector('#timeline [role="option"]');
      const after = await page.evaluate(
        () =>
          new Promise<number>((resolve) =>
            (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() =>
              resolve(performance.now()),
            ),
          ),
      );
      // The Gantt: a row per state run and per Map iteration, built from the whole history.
      await page.getByRole('button', { name: 'Gantt' }).click();
      await page.waitForSelector('#gantt [role="option"]');
      const ganttShown = await nextFrame(page);
      ganttRows = Number(await page.locator('#gantt').getAttribute('data-rows'));
      opens.push(open);
      firstPaints.push(firstPaint);
      timelines.push(after - before);
      gantts.push(ganttShown - after);
      say(
        `round ${round + 1}: ${events} events; graph first painted ${firstPaint.toFixed(0)} ms, fully loaded ${open.toFixed(0)} ms; timeline ${(after - before).toFixed(0)} ms; Gantt ${(ganttShown - after).toFixed(0)} ms`,
      );
      await context.close();
    }
    const median = (values: number[]) => quantile(values, 0.5);
    const table = [
      '| measure | median |',
      '| --- | --- |',
      `| JS bundle (raw / gzip) | ${kib(sizes.js.bytes)} / ${kib(sizes.js.gzip)} |`,
      `| CSS (raw / gzip) | ${kib(sizes.css.bytes)} / ${kib(sizes.css.gzip)} |`,
      `| open an execution of ${events.toLocaleString('en')} events: graph first painted (navigation → first page drawn) | ${median(firstPaints).toFixed(0)} ms |`,
      `| open it fully (every page of history loaded, every status drawn) | ${median(opens).toFixed(0)} ms |`,
      `| switch to its timeline (${events.toLocaleString('en')} rows, virtualized) | ${median(timelines).toFixed(0)} ms |`,
      `| then to its Gantt (${ganttRows.toLocaleString('en')} rows: state runs and Map iterations, virtualized) | ${median(gantts).toFixed(0)} ms |`,
    ];
    for (const line of table) say(line);
    if (!smoke) {
      const commit = (() => {
        try {
          return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
        } catch {
          return 'unknown';
        }
      })();
      const section = [
        '',
        `## Console — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — commit ${commit}`,
        '',
        `- machine: ${os.cpus().length} cores, Node ${process.version}, Chromium headless (playwright-core); load average at start ${os.loadavg()[0].toFixed(2)} (shared machine)`,
        `- an inline Map over ${items.toLocaleString('en')} Pass items (${events.toLocaleString('en')} history events), opened ${rounds} times in a fresh browser context, medians; history read in pages of 1,000`,
        '',
        ...table,
        '',
      ];
      fs.appendFileSync(path.join(ROOT, 'bench', 'RESULTS.md'), section.join('\n'));
      say('appended to bench/RESULTS.md');
    }
    return 0;
  } finally {
    await browser.close();
    await stack.stop();
  }
}

/** `performance.now()` at the page's next animation frame (what was just rendered is drawn). */
function nextFrame(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) =>
        (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() =>
          resolve(performance.now()),
        ),
      ),
  );
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench:console: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
