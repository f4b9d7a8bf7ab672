'use strict';
/** The benchmarks' no-op function: returns its event unchanged. */
exports.handler = async (event) => event;
