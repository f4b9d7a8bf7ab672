'use strict';
/** Example function that always fails: the thrown error's name becomes the ASL error. */
exports.handler = async (event) => {
  const err = new Error(event?.message ?? 'the payment was declined');
  err.name = 'PaymentDeclined';
  throw err;
};
