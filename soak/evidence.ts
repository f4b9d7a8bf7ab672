import fs from 'node:fs';
import path from 'node:path';

/** What the soak's functions left behind (see functions/record.cjs), per execution id. */
export interface Evidence {
  /** Every invocation (raw, non-idempotent). */
  calls: Map<string, number>;
  /** Idempotent effects applied (one per state entry and kind at most). */
  effects: Map<string, number>;
  /** Attempts whose idempotent effect already existed (duplicates the key absorbed). */
  absorbed: Map<string, number>;
}

function countLines(file: string, into: Map<string, number>): void {
  if (!fs.existsSync(file)) return;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const { e } = JSON.parse(line) as { e: string };
    into.set(e, (into.get(e) ?? 0) + 1);
  }
}

/** Reads the evidence directory of a run. */
export function readEvidence(dir: string): Evidence {
  const evidence: Evidence = { calls: new Map(), effects: new Map(), absorbed: new Map() };
  countLines(path.join(dir, 'calls.log'), evidence.calls);
  countLines(path.join(dir, 'absorbed.log'), evidence.absorbed);
  for (const file of fs.readdirSync(path.join(dir, 'effects'))) {
    const { e } = JSON.parse(fs.readFileSync(path.join(dir, 'effects', file), 'utf8')) as { e: string };
    evidence.effects.set(e, (evidence.effects.get(e) ?? 0) + 1);
  }
  return evidence;
}
