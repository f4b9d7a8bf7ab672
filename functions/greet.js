'use strict';
/** Example function: builds a greeting from `event.name`. */
exports.handler = async (event) => {
  if (typeof event?.name !== 'string' || event.name === '') {
    const err = new Error('event.name must be a non-empty string');
    err.name = 'InvalidName';
    throw err;
  }
  return { greeting: `Hello, ${event.name}!` };
};
