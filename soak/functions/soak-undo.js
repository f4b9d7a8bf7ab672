'use strict';
const { applyEffect, recordCall } = require('./record.cjs');

/** Soak compensation: records its call and applies its undo once per compensated Task. */
exports.handler = async (event, context) => {
  recordCall(event, context);
  applyEffect(event, context, 'undo', event.value);
  return { undone: event.value };
};
