/**
 * A Distributed Map's `ItemReader` and `ResultWriter` on S3 (any S3-compatible endpoint the AWS
 * SDK is pointed at: `AWS_ENDPOINT_URL_S3`, `STEPFLOW_S3_FORCE_PATH_STYLE`). Parsing and result
 * formatting are pure (engine/core/items); this folder does the S3 calls.
 */
export { readItemPages, readItems } from './read-items';
export { writeResults } from './write-results';
