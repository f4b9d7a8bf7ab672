'use strict';
/**
 * How the soak's functions leave evidence of their side effects, in files under `event.dir` (a
 * directory of the soak run, read back by soak/evidence.ts):
 * - `calls.log`: one JSON line per invocation, whatever its attempt — the raw, non-idempotent
 *   effect (appends of one short line are atomic across processes);
 * - `effects/<key>`: the idempotent effect, created once per `context.idempotencyKey` + kind
 *   (`wx`: a second attempt of the same state entry finds it and is absorbed);
 * - `absorbed.log`: one line per attempt whose idempotent effect already existed.
 * Not a function itself (`.cjs` beside them: the host loads only the names a Task asks for).
 */
const fs = require('node:fs');
const path = require('node:path');

const fileOf = (key) => encodeURIComponent(key);

/** Appends the raw call record. */
function recordCall(event, context) {
  const line = JSON.stringify({
    k: context.idempotencyKey,
    e: context.executionId,
    s: context.stateName,
    f: context.functionName,
    p: process.pid,
    t: Date.now(),
  });
  fs.appendFileSync(path.join(event.dir, 'calls.log'), `${line}\n`);
}

/** Applies the idempotent effect `kind` of this state entry once; true when this call applied it. */
function applyEffect(event, context, kind, value) {
  const key = `${context.idempotencyKey}|${kind}`;
  try {
    fs.writeFileSync(
      path.join(event.dir, 'effects', fileOf(key)),
      JSON.stringify({ e: context.executionId, kind, value }),
      { flag: 'wx' },
    );
    return true;
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
    fs.appendFileSync(path.join(event.dir, 'absorbed.log'), `${JSON.stringify({ k: key, e: context.executionId })}\n`);
    return false;
  }
}

/** Waits `ms`, ending early (with an error) when the invocation is cancelled. */
function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('cancelled'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new Error('cancelled'));
      },
      { once: true },
    );
  });
}

module.exports = { recordCall, applyEffect, pause, fileOf };
