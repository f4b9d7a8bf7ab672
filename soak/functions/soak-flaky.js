'use strict';
const { applyEffect, recordCall } = require('./record.cjs');

/**
 * Soak function: fails with `SoakFlaky` while `event.attempt` (the Task's `$$.State.RetryCount`,
 * the same for a redelivered attempt) is below `event.failures`; then applies its effect once
 * and returns `{ ok: value }`.
 */
exports.handler = async (event, context) => {
  recordCall(event, context);
  if (event.attempt < event.failures) {
    const err = new Error(`failure ${event.attempt + 1} of ${event.failures}`);
    err.name = 'SoakFlaky';
    throw err;
  }
  applyEffect(event, context, 'do', event.value);
  return { ok: event.value };
};
