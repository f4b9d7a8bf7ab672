/**
 * The pure side of a Distributed Map's `ItemReader` and `ResultWriter`: parsing an object's text
 * into items (JSON, JSON Lines, CSV), and the entries, file splitting and manifest of the result
 * files. No I/O: engine/resources/items reads and writes S3 with these.
 */
export { itemReaderFailed, resultWriterFailed } from './errors';
export {
  AWS_MAX_ITEMS,
  CSV_HEADER_MAX_BYTES,
  DEFAULT_ITEM_LIMITS,
  ITEM_READER_MAX_ITEMS,
  ITEM_SOURCE_MAX_BYTES,
  MAX_ITEM_SOURCE_CHARS,
  RESULT_FILE_MAX_BYTES,
  type ItemLimits,
  utf8Length,
} from './limits';
export {
  CSV_DELIMITERS,
  itemParseConfig,
  resolveMaxItems,
  type ItemInputType,
  type ItemParseConfig,
} from './reader-config';
export { createItemParser, parseItems, type ItemParser } from './parse';
export { CsvRecordParser } from './csv';
export { resolvePointer } from './json-pointer';
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
