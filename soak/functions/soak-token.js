'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { applyEffect, fileOf, recordCall } = require('./record.cjs');

/**
 * Soak function of a `.waitForTaskToken` Task: hands its token to the soak's responder
 * (`<dir>/tokens/<key>.json`), which answers it with SendTaskSuccess.
 */
exports.handler = async (event, context) => {
  recordCall(event, context);
  const file = path.join(event.dir, 'tokens', `${fileOf(context.idempotencyKey)}.json`);
  fs.writeFileSync(
    `${file}.tmp${process.pid}`,
    JSON.stringify({ token: event.token, value: event.value, executionId: context.executionId }),
  );
  fs.renameSync(`${file}.tmp${process.pid}`, file);
  applyEffect(event, context, 'token', event.value);
  return { handedOver: true };
};
