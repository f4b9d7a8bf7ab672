import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { createPool, dropDatabase, ensureDatabase } from '../../engine/db/pool';
import { migrate } from '../../engine/db/migrate';
import { createLogger } from '../../engine/logger';
import { launchChromium, seriousViolations } from './support/browser';
import { call, createMachine, startExecution, uniqueName, waitForEnd } from './support/client';
import { freePort, killPid, readStack, ROOT, spawnStepflow, waitForExit, waitForHttp } from './support/stack';

/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against the
 * real stack: graph, live status, inspector, Choice, redrive, API keys, and axe-core.
 * With STEPFLOW_CONSOLE_SCREENSHOTS=<dir> it also saves the screenshots the README shows.
 */

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const SCREENSHOTS = process.env.STEPFLOW_CONSOLE_SCREENSHOTS;
/** How long the browser waits for something the console must show. */
const SHOWN_MS = 30_000;

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const api = () => readStack().apiUrl;

async function shot(name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** No serious or critical axe-core violation on the page as it is now. */
async function expectAccessible(): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

const stateNode = (state: string, status?: string) =>
  `g.node[data-state="${state}"]${status ? `[data-status="${status}"]` : ''}`;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

afterAll(async () => {
  await browser?.close();
});

afterEach(() => {
  // An uncaught error in the console fails the test that caused it.
  expect(pageErrors.splice(0)).toEqual([]);
});

describe('web console (Chromium, real stack)', () => {
  const DEMO = {
    Comment: 'Choice, Parallel, Map, Retry and Catch',
    StartAt: 'Check',
    States: {
      Check: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.n', NumericGreaterThan: 5, Next: 'Big' },
          { Variable: '$.n', NumericLessThan: 0, Next: 'Negative' },
        ],
        Default: 'Small',
      },
      Big: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
          { StartAt: 'Right', States: { Right: { Type: 'Task', Resource: fn('echo'), End: true } } },
        ],
        ResultPath: '$.branches',
        Next: 'Each',
      },
      Small: { Type: 'Pass', Next: 'Each' },
      Negative: { Type: 'Fail', Error: 'Negative' },
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
        ResultPath: '$.items',
        Next: 'Charge',
      },
      Charge: {
        Type: 'Task',
        Resource: fn('echo'),
        Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 2 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Refund' }],
        End: true,
      },
      Refund: { Type: 'Pass', End: true },
    },
  };

  test('opens a machine and shows its graph: groups, Choice rules, Catch and Retry', async () => {
    const name = uniqueName('console-graph');
    await createMachine(name, DEMO);
    await page.goto(`${api()}/ui/#/machines/${name}`);
    await page.waitForSelector(stateNode('Charge'), { timeout: SHOWN_MS });
    for (const state of ['Check', 'Big', 'Left', 'Right', 'Small', 'Negative', 'Each', 'Item', 'Charge', 'Refund'])
      expect(await page.locator(stateNode(state)).count()).toBe(1);
    const groups = await page.locator('g.graph-group text').allTextContents();
    expect(groups.sort()).toEqual(['Branch 1', 'Branch 2', 'Item processor', 'Map Each', 'Parallel Big']);
    const labels = await page.locator('g.edge text').allTextContents();
    expect(labels).toEqual(
      expect.arrayContaining([
        '#0 $.n NumericGreaterThan 5',
        '#1 $.n NumericLessThan 0',
        'Default',
        'Catch States.ALL',
      ]),
    );
    expect(await page.locator(`${stateNode('Charge')} .node-retry`).textContent()).toBe('Retry');
    // Without keys the console opens straight on, and says so.
    expect(await page.locator('header').textContent()).toContain('API keys off');
    await shot('console-machine-graph');
    await expectAccessible();
  });

  test('starts an execution from the console and watches its states turn green live', async () => {
    const name = uniqueName('console-live');
    await createMachine(name, {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Next: 'Work' },
        Work: {
          Type: 'Task',
          Resource: fn('sleep'),
          Parameters: { 'ms.$': '$.ms' },
          ResultPath: '$.work',
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    });
    await page.goto(`${api()}/ui/#/machines/${name}`);
    await page.getByRole('button', { name: 'Start execution' }).click();
    const input = page.getByLabel('Input (JSON)');
    // The input editor checks the JSON: Start stays disabled until it parses.
    await input.fill('{"ms": 4000');
    await page.waitForSelector('#start-input-check.error');
    expect(await page.getByRole('button', { name: 'Start', exact: true }).isDisabled()).toBe(true);
    await input.fill('{"ms": 4000}');
    await page.waitForSelector('#start-input-check.ok');
    // Copy the start as a stepflow CLI call, and run what was copied.
    await page.getByLabel('Execution name (optional)').fill('copied');
    await page.getByRole('button', { name: 'stepflow CLI' }).click();
    const copied = await page.locator('pre.command[data-form="cli"]').textContent();
    expect(copied).toBe(`STEPFLOW_URL=${api()} npx stepflow start ${name} --name copied --input '{"ms":4000}'`);
    const ran = await promisify(execFile)(
      'sh',
      ['-c', copied!.replace('npx stepflow', `${process.execPath} bin/stepflow.js`)],
      {
        cwd: ROOT,
      },
    );
    expect(ran.stdout).toMatch(new RegExp(`^${name}:copied RUNNING`));
    expect((await call('GET', `/v1/executions/${encodeURIComponent(`${name}:copied`)}`)).body.input).toEqual({
      ms: 4000,
    });
    await page.getByLabel('Execution name (optional)').fill('live-1');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.waitForURL(`**/ui/#/executions/${encodeURIComponent(`${name}:live-1`)}`, { timeout: SHOWN_MS });
    // Work runs (blue) while the function sleeps, then turns green without a reload.
    await page.waitForSelector(stateNode('Work', 'running'), { timeout: SHOWN_MS });
    expect(await page.locator(stateNode('Prepare', 'succeeded')).count()).toBe(1);
    expect(await page.locator(stateNode('Done', 'not-run')).count()).toBe(1);
    expect(await page.locator('section.execution').getAttribute('data-live')).toBe('true');
    await shot('console-execution-running');
    await page.waitForSelector(stateNode('Work', 'succeeded'), { timeout: SHOWN_MS });
    await page.waitForSelector(stateNode('Done', 'succeeded'), { timeout: SHOWN_MS });
    await page
      .getByTestId('execution-status')
      .filter({ hasText: /^SUCCEEDED$/ })
      .waitFor({ timeout: SHOWN_MS });
    expect((await call('GET', `/v1/executions/${encodeURIComponent(`${name}:live-1`)}`)).body.status).toBe('SUCCEEDED');
    await expectAccessible();
  });

  test("opens a failed state's error and its data flow", async () => {
    const name = uniqueName('console-failed');
    await createMachine(name, {
      StartAt: 'Setup',
      States: {
        Setup: {
          Type: 'Pass',
          Result: { errorName: 'PaymentDeclined', message: 'card expired' },
          ResultPath: '$.why',
          Next: 'Pay',
        },
        Pay: {
          Type: 'Task',
          Resource: fn('boom'),
          InputPath: '$.why',
          Parameters: { 'errorName.$': '$.errorName', 'message.$': '$.message', amount: 42 },
          End: true,
        },
      },
    });
    const id = await startExecution(name, { order: 7 });
    await waitForEnd(id);
    await page.goto(`${api()}/ui/#/executions/${encodeURIComponent(id)}`);
    await page.waitForSelector(stateNode('Pay', 'failed'), { timeout: SHOWN_MS });
    expect(await page.locator(stateNode('Setup', 'succeeded')).count()).toBe(1);
    // Keyboard: the state is a button; Enter opens the inspector.
    await page.locator(stateNode('Pay')).focus();
    await page.keyboard.press('Enter');
    const inspector = page.locator('aside.inspector');
    await inspector.waitFor({ timeout: SHOWN_MS });
    expect(await inspector.locator('#inspector-title').textContent()).toBe('Pay failed');
    expect(await inspector.locator('.error-box strong').textContent()).toBe('PaymentDeclined');
    expect(await inspector.locator('.error-box .json').textContent()).toContain('card expired');
    const flow = await inspector
      .locator('dl.flow > div')
      .evaluateAll((rows) =>
        rows.map((row) => [
          row.getAttribute('data-stage'),
          JSON.parse(row.querySelector('pre')?.textContent ?? 'null'),
        ]),
      );
    expect(flow[0]).toEqual(['input', { order: 7, why: { errorName: 'PaymentDeclined', message: 'card expired' } }]);
    expect(flow).toContainEqual([
      'afterParameters',
      { errorName: 'PaymentDeclined', message: 'card expired', amount: 42 },
    ]);
    await shot('console-failed-state');
    await expectAccessible();
    // The timeline lists every event; Enter on one opens its state.
    await page.getByRole('button', { name: 'Timeline' }).click();
    const timeline = page.getByRole('listbox', { name: 'History events' });
    await timeline.focus();
    await page.keyboard.press('End');
    expect(await page.locator('#timeline [aria-selected="true"] .timeline-row').getAttribute('data-type')).toBe(
      'ExecutionFailed',
    );
    await expectAccessible();
  });

  test('shows which Choice rule matched and the values it compared', async () => {
    const name = uniqueName('console-choice');
    await createMachine(name, DEMO);
    const id = await startExecution(name, { n: -3, items: [1, 2] });
    await waitForEnd(id);
    await page.goto(`${api()}/ui/#/executions/${encodeURIComponent(id)}`);
    await page.waitForSelector(stateNode('Negative', 'failed'), { timeout: SHOWN_MS });
    // The transition taken is drawn bold; the others are not.
    expect(await page.locator('g.edge-taken text').allTextContents()).toEqual(['#1 $.n NumericLessThan 0']);
    await page.locator(stateNode('Check')).click();
    const choice = page.locator('aside.inspector .choice-box');
    await choice.waitFor({ timeout: SHOWN_MS });
    expect(await choice.getByTestId('choice-matched').textContent()).toBe('Rule #1 matched → Negative');
    // Every rule evaluated, with the values it compared (from the stepflow.choice history field).
    const rows = await choice
      .locator('[data-testid="choice-table"] tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-rule'),
          tr.classList.contains('matched'),
          ...[...tr.querySelectorAll('td')].map((td) => td.textContent),
        ]),
      );
    expect(rows).toEqual([
      ['0', false, '$.n NumericGreaterThan', '5', '-3', 'false'],
      ['1', true, '$.n NumericLessThan', '0', '-3', 'true'],
    ]);
    await shot('console-choice');
    await expectAccessible();
  });

  test('the Gantt has a row per Parallel branch and per Map iteration, with durations; the Map view its items', async () => {
    const name = uniqueName('console-gantt');
    await createMachine(name, DEMO);
    const id = await startExecution(name, { n: 7, items: [1, 2] });
    expect((await waitForEnd(id)).status).toBe('SUCCEEDED');
    await page.goto(`${api()}/ui/#/executions/${encodeURIComponent(id)}`);
    await page.waitForSelector(stateNode('Charge', 'succeeded'), { timeout: SHOWN_MS });
    await page.getByRole('button', { name: 'Gantt' }).click();
    const gantt = page.getByRole('listbox', { name: 'State runs over time' });
    await gantt.waitFor({ timeout: SHOWN_MS });
    const rows = await page
      .locator('#gantt .gantt-row')
      .evaluateAll((els) =>
        els.map((el) => [
          el.getAttribute('data-label'),
          el.getAttribute('data-status'),
          /^\d+(\.\d+)? m?s$/.test(el.querySelector('.gantt-time')?.textContent ?? ''),
        ]),
      );
    expect(rows).toEqual(
      [
        'Check',
        'Big',
        'Branch 1',
        'Left',
        'Branch 2',
        'Right',
        'Each',
        'Iteration 0',
        'Item',
        'Iteration 1',
        'Item',
        'Charge',
      ].map((label) => [label, 'succeeded', true]),
    );
    expect(await page.locator('#gantt .gantt-branch').count()).toBe(2);
    expect(await page.locator('#gantt .gantt-iteration').count()).toBe(2);
    await shot('console-gantt');
    await expectAccessible();
    // Keyboard: down to "Branch 1", Enter opens its Parallel state in the inspector.
    await gantt.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await page.locator('aside.inspector #inspector-title').textContent()).toBe('Big succeeded');
    // The Map view: an inline Map's items and its tolerance.
    await page.getByRole('button', { name: 'Map runs' }).click();
    const map = page.getByRole('region', { name: 'Map Each' });
    await map.waitFor({ timeout: SHOWN_MS });
    expect(await map.textContent()).toContain('2 items · 2 started · 2 succeeded · 0 failed · 0 aborted');
    expect(await map.textContent()).toContain('Tolerance: none (the first failed item fails the Map)');
    await expectAccessible();
  });

  test("a JSONata state's $states: input, context, result, and errorOutput when caught", async () => {
    const name = uniqueName('console-jsonata');
    await createMachine(name, {
      QueryLanguage: 'JSONata',
      StartAt: 'Add',
      States: {
        Add: {
          Type: 'Task',
          Resource: fn('echo'),
          Arguments: { sum: '{% $states.input.a + $states.input.b %}' },
          Output: '{% $states.result.sum %}',
          Next: 'Pay',
        },
        Pay: {
          Type: 'Task',
          Resource: fn('boom'),
          Arguments: { errorName: 'Declined', message: '{% "total " & $string($states.input) %}' },
          Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Next: 'Done' }],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    });
    const id = await startExecution(name, { a: 2, b: 3 }, 'jsonata-1');
    const execution = await waitForEnd(id);
    expect(execution.status).toBe('SUCCEEDED');
    await page.goto(`${api()}/ui/#/executions/${encodeURIComponent(id)}`);
    await page.waitForSelector(stateNode('Pay', 'caught'), { timeout: SHOWN_MS });
    const statesOf = async () =>
      Object.fromEntries(
        await page
          .locator('aside.inspector [data-testid="states-box"] dl > div')
          .evaluateAll((rows) =>
            rows.map((row) => [
              row.getAttribute('data-states'),
              JSON.parse(row.querySelector('pre')?.textContent ?? 'null'),
            ]),
          ),
      );
    await page.locator(stateNode('Add')).click();
    await page.locator('aside.inspector [data-testid="states-box"]').waitFor({ timeout: SHOWN_MS });
    const add = await statesOf();
    expect(add.input).toEqual({ a: 2, b: 3 });
    expect(add.result).toEqual({ sum: 5 });
    expect(add.context.Execution).toMatchObject({
      Id: execution.executionArn,
      Name: 'jsonata-1',
      Input: { a: 2, b: 3 },
      StartTime: execution.startDate,
      RedriveCount: 0,
    });
    expect(add.context.State).toMatchObject({ Name: 'Add', RetryCount: 0 });
    expect(add.context.StateMachine.Name).toBe(name);
    expect(Object.keys(add)).toEqual(['input', 'context', 'result']);
    await expectAccessible();
    await page.locator(stateNode('Pay')).click();
    await page.locator('aside.inspector #inspector-title', { hasText: 'Pay caught' }).waitFor({ timeout: SHOWN_MS });
    const pay = await statesOf();
    expect(pay.input).toBe(5);
    expect(pay.errorOutput).toEqual({ Error: 'Declined', Cause: expect.stringContaining('total 5') });
    expect(Object.keys(pay)).toEqual(['input', 'context', 'errorOutput']);
    await shot('console-jsonata-states');
  });

  test('a Distributed Map: its Map Run, its child executions, their failures and the tolerance', async () => {
    const name = uniqueName('console-dmap');
    await createMachine(name, {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemsPath: '$.items',
          ToleratedFailureCount: 1,
          Label: 'fan',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Check',
            States: {
              Check: {
                Type: 'Choice',
                Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'Bad' }],
                Default: 'Ok',
              },
              Bad: { Type: 'Fail', Error: 'ItemBad', Cause: 'item refused' },
              Ok: { Type: 'Succeed' },
            },
          },
          End: true,
        },
      },
    });
    const id = await startExecution(name, { items: [{ fail: false }, { fail: true }, { fail: false }] });
    expect((await waitForEnd(id, 180_000)).status).toBe('SUCCEEDED');
    await page.goto(`${api()}/ui/#/executions/${encodeURIComponent(id)}`);
    await page.waitForSelector(stateNode('Fan', 'succeeded'), { timeout: SHOWN_MS });
    await page.getByRole('button', { name: 'Map runs' }).click();
    const run = page.locator('section.map-run-detail');
    await run.getByTestId('map-run-counts').waitFor({ timeout: SHOWN_MS });
    expect(await run.getAttribute('data-status')).toBe('SUCCEEDED');
    const counts = (row: string) =>
      run
        .locator(`tr[data-counts="${row}"] td`)
        .evaluateAll((tds) =>
          Object.fromEntries(
            tds
              .filter((td) => td.getAttribute('data-count') !== 'resultsWritten')
              .map((td) => [td.getAttribute('data-count'), Number(td.textContent)]),
          ),
        );
    const expected = { pending: 0, running: 0, succeeded: 2, failed: 1, timedOut: 0, aborted: 0, total: 3 };
    expect(await counts('Items')).toEqual(expected);
    expect(await counts('Child executions')).toEqual(expected);
    expect(await run.getByTestId('map-run-tolerance').textContent()).toBe(
      'Tolerance: up to 1 items may fail · 1 of 3 items did not succeed',
    );
    const children = run.getByTestId('map-run-children');
    await children.waitFor({ timeout: SHOWN_MS });
    expect(
      (await children.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))).sort(),
    ).toEqual(['FAILED', 'SUCCEEDED', 'SUCCEEDED']);
    await shot('console-map-run');
    await expectAccessible();
    // Only the failures: the child that failed, with its error and cause.
    await run.getByLabel('Show').selectOption('FAILED');
    await children
      .locator('tbody tr[data-status="SUCCEEDED"]')
      .first()
      .waitFor({ state: 'detached', timeout: SHOWN_MS });
    const failed = await children
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(failed).toEqual([[expect.any(String), 'FAILED', 'ItemBad', 'item refused']]);
    // The child opens on its own graph, and leads back to its parent.
    await children.locator('tbody tr a').click();
    await page.waitForSelector(stateNode('Bad', 'failed'), { timeout: SHOWN_MS });
    await page.getByTestId('map-run-parent').click();
    await page.waitForSelector(stateNode('Fan', 'succeeded'), { timeout: SHOWN_MS });
    expect(page.url()).toContain(encodeURIComponent(id));
  });

  test('the executions list: newest first, filtered by machine, status and time, a page at a time', async () => {
    const name = uniqueName('console-list');
    await createMachine(name, {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Yes' }], Default: 'No' },
        Yes: { Type: 'Succeed' },
        No: { Type: 'Fail', Error: 'NotOk' },
      },
    });
    for (const [run, ok] of [
      ['run-1', true],
      ['run-2', false],
      ['run-3', true],
    ] as const) {
      await waitForEnd(await startExecution(name, { ok }, run));
    }
    const names = () => page.locator('table.list tbody tr td:first-child a').allTextContents();
    await page.goto(`${api()}/ui/#/executions?stateMachine=${name}&limit=2`);
    await page.getByRole('link', { name: 'run-3' }).waitFor({ timeout: SHOWN_MS });
    expect(await names()).toEqual(['run-3', 'run-2']);
    await page.getByRole('button', { name: 'Older' }).click();
    await page.getByRole('link', { name: 'run-1' }).waitFor({ timeout: SHOWN_MS });
    expect(await names()).toEqual(['run-1']);
    expect(await page.getByRole('button', { name: 'Older' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Newer' }).click();
    await page.getByRole('link', { name: 'run-3' }).waitFor({ timeout: SHOWN_MS });
    expect(await names()).toEqual(['run-3', 'run-2']);
    await expectAccessible();
    await page.getByLabel('Status').selectOption('FAILED');
    await page.getByRole('link', { name: 'run-3' }).waitFor({ state: 'detached', timeout: SHOWN_MS });
    expect(await names()).toEqual(['run-2']);
    await page.getByLabel('Status').selectOption('');
    await page.getByRole('link', { name: 'run-3' }).waitFor({ timeout: SHOWN_MS });
    // Started from tomorrow: nothing yet.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Started from').fill(local);
    await page.getByLabel('Started from').dispatchEvent('change');
    await page.getByText('No executions match.').waitFor({ timeout: SHOWN_MS });
  });

  test('redrives a failed execution from the console, showing first what runs again, and sees it finish', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-redrive-'));
    fs.writeFileSync(path.join(dir, 'broken-charge'), 'x');
    const name = uniqueName('console-redrive');
    const gated = (step: string) => ({ step, 'dir.$': '$.dir' });
    await createMachine(name, {
      StartAt: 'Reserve',
      States: {
        Reserve: {
          Type: 'Task',
          Resource: fn('gated'),
          Parameters: gated('reserve'),
          ResultPath: '$.reserve',
          Next: 'Charge',
        },
        Charge: {
          Type: 'Task',
          Resource: fn('gated'),
          Parameters: gated('charge'),
          ResultPath: '$.charge',
          Next: 'Ship',
        },
        Ship: { Type: 'Task', Resource: fn('gated'), Parameters: gated('ship'), ResultPath: '$.ship', End: true },
      },
    });
    const id = await startExecution(name, { dir });
    expect((await waitForEnd(id)).status).toBe('FAILED');
    fs.rmSync(path.join(dir, 'broken-charge'));

    await page.goto(`${api()}/ui/#/executions/${encodeURIComponent(id)}`);
    await page.waitForSelector(stateNode('Charge', 'failed'), { timeout: SHOWN_MS });
    // The redrive as an aws CLI and an SDK call.
    const execution = (await call('GET', `/v1/executions/${encodeURIComponent(id)}`)).body;
    await page.getByRole('button', { name: 'aws CLI' }).click();
    expect(await page.locator('pre.command[data-form="aws"]').textContent()).toBe(
      `aws stepfunctions redrive-execution --endpoint-url ${api()} --execution-arn ${execution.executionArn}`,
    );
    await page.getByRole('button', { name: 'AWS SDK (JavaScript)' }).click();
    expect(await page.locator('pre.command[data-form="sdk"]').textContent()).toContain(
      `await client.send(new RedriveExecutionCommand({\n  "executionArn": "${execution.executionArn}"\n}));`,
    );
    await page.getByRole('button', { name: 'Redrive…' }).click();
    const dialog = page.getByRole('dialog', { name: `Redrive ${id}` });
    await dialog.waitFor({ timeout: SHOWN_MS });
    expect(await dialog.getByTestId('redrive-rerun').locator('li:not(.muted)').allTextContents()).toEqual(['Charge']);
    expect(await dialog.textContent()).toContain('Reserve');
    await shot('console-redrive');
    await expectAccessible();
    await dialog.getByRole('button', { name: 'Redrive now' }).click();
    await page.waitForSelector(stateNode('Ship', 'succeeded'), { timeout: SHOWN_MS });
    await page.waitForSelector(stateNode('Charge', 'succeeded'), { timeout: SHOWN_MS });
    await page
      .getByTestId('execution-status')
      .filter({ hasText: /^SUCCEEDED$/ })
      .waitFor({ timeout: SHOWN_MS });
    const final = (await call('GET', `/v1/executions/${encodeURIComponent(id)}`)).body;
    expect([final.status, final.redriveCount]).toEqual(['SUCCEEDED', 1]);
    // Reserve succeeded the first time and was not run again.
    expect(fs.readFileSync(path.join(dir, 'calls-reserve'), 'utf8')).toBe('x\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the definition editor pins each problem to its line and its state', async () => {
    const name = uniqueName('console-editor');
    await createMachine(name, { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } });
    await page.goto(`${api()}/ui/#/machines/${name}/edit`);
    const text = page.getByLabel('Definition (JSON)');
    await text.waitFor({ timeout: SHOWN_MS });
    await text.fill(
      JSON.stringify(
        { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' }, B: { Type: 'Succeed' } } },
        null,
        2,
      ),
    );
    const problems = page.locator('ul.problems li');
    await problems.first().waitFor({ timeout: SHOWN_MS });
    const listed = await problems.allTextContents();
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^line 6 · A ERROR MISSING_TRANSITION_TARGET/),
        expect.stringMatching(/· B ERROR/),
      ]),
    );
    expect(
      await page
        .locator('g.node-problem')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state')).sort()),
    ).toEqual(['A', 'B']);
    expect(await page.getByRole('button', { name: 'Save definition' }).isDisabled()).toBe(true);
    await shot('console-editor');
    await expectAccessible();
  });
});

describe('web console with API keys', () => {
  const log = createLogger('warn', 'console-test');
  let url: string;
  let databaseUrl: string;
  let apiPid = 0;
  const machine = uniqueName('console-keys');

  beforeAll(async () => {
    // An API of its own on its own database (the shared stack's Temporal): keys turned on there
    // do not touch the other tests.
    const stack = readStack();
    databaseUrl = `${stack.databaseUrl}_keys_${Date.now().toString(36)}`;
    await ensureDatabase(databaseUrl);
    const pool = createPool(databaseUrl);
    await migrate(pool, log);
    await pool.end();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    apiPid = spawnStepflow({ ...stack, databaseUrl }, 'api', { PORT: String(port) }).pid as number;
    await waitForHttp(`${url}/healthz`);
    const created = await fetch(`${url}/v1/state-machines`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: machine, definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } } }),
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    killPid(apiPid);
    await waitForExit(apiPid);
    await dropDatabase(databaseUrl).catch(() => undefined);
  });

  const keys = async (...args: string[]) =>
    (
      await promisify(execFile)(process.execPath, [path.join(ROOT, 'bin', 'stepflow.js'), 'keys', ...args], {
        env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      })
    ).stdout;

  test('asks for a key once keys are on; a read key is enough to look, not to start', async () => {
    const reader = JSON.parse(await keys('create', '--name', 'viewer', '--scopes', 'read', '--json')) as {
      bearer: string;
    };
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const tab = await context.newPage();
    tab.on('pageerror', (err) => pageErrors.push(err.message));
    await tab.goto(`${url}/ui/`);
    const keyField = tab.getByLabel('API key');
    await keyField.waitFor({ timeout: SHOWN_MS });
    expect(await seriousViolations(tab)).toEqual([]);
    if (SCREENSHOTS) await tab.screenshot({ path: path.join(SCREENSHOTS, 'console-sign-in.png') });

    await keyField.fill('nobody.not-a-real-secret-at-all');
    await tab.getByRole('button', { name: 'Sign in' }).click();
    expect(await tab.getByRole('alert').textContent()).toBe('That key was refused (unknown, revoked or mistyped).');

    await tab.getByLabel('API key').fill(reader.bearer);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('link', { name: machine }).click();
    await tab.waitForSelector(stateNode('A'), { timeout: SHOWN_MS });
    // Starting needs execute: the console shows the API's refusal.
    await tab.getByRole('button', { name: 'Start execution' }).click();
    await tab.getByRole('button', { name: 'Start', exact: true }).click();
    const refused = tab.getByRole('dialog').getByRole('alert');
    await refused.waitFor({ timeout: SHOWN_MS });
    expect(await refused.textContent()).toMatch(/execute/);
    await context.close();
    // Several processes start here (the API, the keys CLI, a browser context): slow on a loaded machine.
  }, 300_000);
});
