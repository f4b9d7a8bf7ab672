import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { uniqueName } from './support/client';
import { readStack, ROOT } from './support/stack';

const run = promisify(execFile);

/** Runs `stepflow <args>` against the test stack; resolves with exit code and output. */
async function stepflow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'bin', 'stepflow.js'), ...args], {
      env: { ...process.env, STEPFLOW_URL: readStack().apiUrl, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function writeFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-cli-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const GOOD = `{
  "StartAt": "Add",
  "States": {
    "Add": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:000000000000:function:add",
      "End": true
    }
  }
}
`;

const BAD = `{
  "StartAt": "First",
  "States": {
    "First": {
      "Type": "Pass",
      "Next": "Nowhere"
    }
  }
}
`;

describe('stepflow CLI', () => {
  test('shows each validation problem with its line in the file when the definition is invalid', async () => {
    const file = writeFile('bad.json', BAD);
    const result = await stepflow(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `${file}:6  /States/First/Next  MISSING_TRANSITION_TARGET  Missing 'Next' target: Nowhere`,
      `${file}:1  /  MISSING_END_STATE  Workflow has no terminal state`,
      '2 problems',
    ]);
  });

  test('validates a good file and prints JSON for scripts with --json', async () => {
    const file = writeFile('good.json', GOOD);
    expect((await stepflow(['validate', file])).stdout.trim()).toBe(`${file}: valid`);
    const json = await stepflow(['validate', file, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ valid: true, problems: [] });
  });

  test('creates, starts with --wait, describes and lists an execution, and prints its history timeline', async () => {
    const name = uniqueName('cli');
    const file = writeFile(`${name}.asl.json`, GOOD);
    const created = await stepflow(['create', file]);
    expect(created.stdout.trim()).toBe(`${name} version 1`);
    const started = await stepflow(['start', name, '--input', '{"a":40,"b":2}', '--name', 'run1', '--wait', '--json']);
    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({
      executionId: `${name}:run1`,
      status: 'SUCCEEDED',
      output: { sum: 42 },
    });
    const described = await stepflow(['describe', `${name}:run1`]);
    expect(described.stdout).toContain('SUCCEEDED');
    expect(described.stdout).toContain('output   {"sum":42}');
    const listed = await stepflow(['list', name]);
    expect(listed.stdout).toMatch(/^run1 {2}SUCCEEDED {2}\d{4}-/);
    const history = await stepflow(['history', `${name}:run1`, '--follow']);
    const lines = history.stdout.trim().split('\n');
    expect(lines.map((line) => line.replace(/^\+\s*[\d.]+s #\s*\d+ /, ''))).toEqual([
      'ExecutionStarted',
      'TaskStateEntered Add',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited Add',
      'ExecutionSucceeded',
    ]);
    // Without --follow the history is read page by page; the same timeline.
    const paged = await stepflow(['history', `${name}:run1`]);
    expect(paged.stdout).toBe(history.stdout);
  });

  test('exits 1 with the API error when the machine does not exist', async () => {
    const result = await stepflow(['start', 'no-such-machine-cli']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("stepflow start: State machine 'no-such-machine-cli' does not exist");
  });
});
