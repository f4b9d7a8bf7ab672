import fc from 'fast-check';

/** What one case showed: a failure (with its signature: cases with the same one are one bug) and tags for the summary. */
export interface CaseResult {
  failure?: { signature: string; detail: string; stack?: string };
  tags: string[];
}

/** A fuzzing target: how to generate its cases and how to run one (never throws). */
export interface Target<C> {
  name: string;
  arbitrary: fc.Arbitrary<C>;
  run(testCase: C): Promise<CaseResult>;
  /** Cases run at once. */
  concurrency: number;
  /** Whether a failing case is shrunk (replayed with fast-check's path, shrinking while the signature stays). */
  shrink: boolean;
  /** Shows a case in the report (default: fast-check's stringify). */
  show?: (testCase: C) => string;
  /** A reason to run no further cases (e.g. the worker crash-loops), checked before each case. */
  stopReason?: () => string | undefined;
}

/** One distinct failure of a campaign. */
export interface FailureReport {
  signature: string;
  count: number;
  detail: string;
  stack?: string;
  /** The first failing case, and (when shrunk) the smallest one fast-check found with the same signature. */
  example: string;
  shrunk?: string;
  /** fast-check replay of the first failing case: `seed` and `path`. */
  seed: number;
  path: string;
}

/** A campaign's outcome. */
export interface CampaignReport {
  target: string;
  cases: number;
  seed: number;
  tags: Record<string, number>;
  failures: FailureReport[];
  durationMs: number;
  /** Why the campaign ran fewer cases than asked, if it did. */
  stopped?: string;
}

/** The most distinct failures shrunk per target (each shrink replays cases). */
const MAX_SHRUNK = 8;
/** Time given to shrinking one failure. */
const SHRINK_TIME_MS = 60_000;
const SHOWN_CHARS = 4_000;

function clip(text: string): string {
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}… (${text.length} chars)` : text;
}

/**
 * Runs `cases` cases of `target` generated from `seed` (the same seed gives the same cases), all
 * of them even when some fail, then shrinks each distinct failure: fast-check replays the first
 * failing case by its path and shrinks it for as long as the same signature fails.
 */
export async function runCampaign<C>(
  target: Target<C>,
  cases: number,
  seed: number,
  progress: (line: string) => void,
): Promise<CampaignReport> {
  const started = Date.now();
  const values = fc.sample(target.arbitrary, { seed, numRuns: cases });
  const tags: Record<string, number> = {};
  const failures = new Map<string, FailureReport>();
  const show = target.show ?? ((c: C) => fc.stringify(c));
  let next = 0;
  let done = 0;
  let stopped: string | undefined;
  const worker = async () => {
    for (;;) {
      stopped = stopped ?? target.stopReason?.();
      if (stopped) return;
      const index = next++;
      if (index >= values.length) return;
      const testCase = values[index] as C;
      const result = await target.run(testCase);
      for (const tag of result.tags) tags[tag] = (tags[tag] ?? 0) + 1;
      if (result.failure) {
        const known = failures.get(result.failure.signature);
        if (known) known.count++;
        else {
          failures.set(result.failure.signature, {
            signature: result.failure.signature,
            count: 1,
            detail: result.failure.detail,
            stack: result.failure.stack,
            example: clip(show(testCase)),
            seed,
            path: String(index),
          });
          progress(`  ${target.name}: case ${index} failed: ${result.failure.signature}`);
        }
      }
      done++;
      if (done % 1000 === 0) progress(`  ${target.name}: ${done}/${values.length} cases`);
    }
  };
  await Promise.all(Array.from({ length: target.concurrency }, worker));

  if (target.shrink) {
    for (const failure of [...failures.values()].slice(0, MAX_SHRUNK)) {
      const result = await fc.check(
        fc.asyncProperty(
          target.arbitrary,
          async (testCase) => (await target.run(testCase)).failure?.signature !== failure.signature,
        ),
        {
          seed,
          path: failure.path,
          numRuns: cases,
          interruptAfterTimeLimit: SHRINK_TIME_MS,
          markInterruptAsFailure: false,
        },
      );
      if (result.failed && result.counterexample) {
        failure.shrunk = clip(show(result.counterexample[0] as C));
        failure.path = result.counterexamplePath ?? failure.path;
      }
    }
  }
  return {
    target: target.name,
    cases: done,
    seed,
    tags,
    failures: [...failures.values()],
    durationMs: Date.now() - started,
    ...(stopped ? { stopped } : {}),
  };
}

/** A signature from a message: numbers and long tails folded, so that one bug is one signature. */
export function signatureOf(kind: string, detail: string): string {
  const line = detail.split('\n')[0] ?? '';
  return `${kind}: ${line.replace(/\d+/g, 'N').slice(0, 120)}`;
}
