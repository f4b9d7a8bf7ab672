'use strict';
const { applyEffect, pause, recordCall } = require('./record.cjs');

/** Soak function: records its call, waits `event.ms`, applies its effect once, returns `value * 2`. */
exports.handler = async (event, context) => {
  recordCall(event, context);
  await pause(event.ms ?? 0, context.signal);
  applyEffect(event, context, 'do', event.value);
  return event.value * 2;
};
