'use strict';
const { recordCall } = require('./record.cjs');

/** Poison: a function that busy-loops for `event.seconds` without yielding its event loop. */
exports.handler = (event, context) => {
  recordCall(event, context);
  const end = Date.now() + event.seconds * 1000;
  let spins = 0;
  while (Date.now() < end) spins++;
  return { spins };
};
