/**
 * The pure side of a Distributed Map's `ItemReader` and `ResultWriter`: parsing an object's text
 * into items (JSON, JSON Lines, CSV), and the entries, file splitting and manifest of the result
 * files. No I/O: engine/resources/items reads and writes S3 with these.
 */
export { itemReaderFailed, resultWriterFailed } from './errors';
export { DEFAULT_ITEM_LIMITS, RESULT_FILE_MAX_BYTES, type ItemLimits, utf8Length } from './limits';
export { itemParseConfig, resolveMaxItems, type ItemParseConfig } from './reader-config';
export { createItemParser, parseItems } from './parse';
export { CsvRecordParser } from './csv';
export {
  childRecord,
  formatResults,
  manifestKey,
  mapRunIdOf,
  ResultFileBuilder,
  resultEntries,
  resultFileKey,
  resultFileStatus,
  resultWriterFormat,
  type MapRunChild,
  type MapRunChildStatus,
  type ResultFileRef,
  type ResultFileStatus,
  type ResultManifest,
  type ResultWriterFormat,
  type ResultWriterOutput,
} from './results';
