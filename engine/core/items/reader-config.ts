import type { ItemReader } from '../../../schemas/asl/map-fields';
import { StatesError, StatesErrors } from '../errors';
import { itemReaderFailed } from './errors';
import { AWS_MAX_ITEMS } from './limits';

/** `ItemReader.ReaderConfig`, as the ASL schema reads it. */
export type ReaderConfig = NonNullable<ItemReader['ReaderConfig']>;

/** The file formats Stepflow parses (`ReaderConfig.InputType`); PARQUET and MANIFEST are refused. */
export type ItemInputType = 'JSON' | 'JSONL' | 'CSV';

/** `ReaderConfig.CSVDelimiter` → the character (default `COMMA`). */
export const CSV_DELIMITERS = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' } as const;

/** How to turn one object's text into items: a `ReaderConfig` checked and resolved. */
export interface ItemParseConfig {
  inputType: ItemInputType;
  /** CSV: the column names when `CSVHeaderLocation` is `GIVEN`; undefined when the first row holds them. */
  csvHeaders?: readonly string[];
  /** CSV: the field separator (one character). */
  csvDelimiter: string;
  /** JSON: an RFC 6901 pointer to the array inside the document (`ItemsPointer`); the document itself when unset. */
  itemsPointer?: string;
  /** `MaxItems` (or the value of `MaxItemsPath`), clipped to AWS_MAX_ITEMS; undefined = all items. */
  maxItems?: number;
}

const NUMERIC_TEXT = /^\d+$/;

/**
 * `ReaderConfig.MaxItems` or the value `MaxItemsPath` points to (read by the caller with
 * `readPath`, so this module stays free of the path evaluator): a non-negative integer, 0 meaning
 * "no limit" and anything over AWS's 100,000,000 clipped to it. A path value that is not a
 * non-negative integer fails with `States.Runtime` and AWS's cause for `…Path` fields.
 */
export function resolveMaxItems(
  config: ReaderConfig | undefined,
  readPath?: (path: string) => unknown,
): number | undefined {
  let value: unknown = config?.MaxItems;
  if (value === undefined && config?.MaxItemsPath !== undefined && readPath) {
    const read = readPath(config.MaxItemsPath);
    value = typeof read === 'string' && NUMERIC_TEXT.test(read) ? Number(read) : read;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new StatesError(
        StatesErrors.Runtime,
        `The MaxItemsPath field refers to value "${typeof read === 'string' ? read : JSON.stringify(read)}" which is not a valid integer: ${config.MaxItemsPath}`,
      );
    }
  }
  if (value === undefined || value === 0) return undefined;
  return Math.min(value as number, AWS_MAX_ITEMS);
}

/**
 * Checks a `ReaderConfig` for reading one object (`s3:getObject`, or each object of a
 * `LOAD_AND_FLATTEN` listing) and resolves its defaults: `InputType` is required; CSV takes
 * `CSVHeaderLocation` (default `FIRST_ROW`; `GIVEN` needs a non-empty `CSVHeaders`) and
 * `CSVDelimiter` (default `COMMA`); `ItemsPointer` applies to JSON only. Problems fail with
 * `States.ItemReaderFailed`.
 */
export function itemParseConfig(config: ReaderConfig | undefined, maxItems?: number): ItemParseConfig {
  const inputType = config?.InputType;
  if (inputType === undefined) throw itemReaderFailed("ReaderConfig needs 'InputType' to read an object");
  if (inputType === 'PARQUET' || inputType === 'MANIFEST') {
    throw itemReaderFailed(`InputType ${inputType} is not supported by Stepflow; use JSON, JSONL or CSV`);
  }
  if (inputType !== 'CSV' && (config?.CSVHeaderLocation !== undefined || config?.CSVHeaders !== undefined)) {
    throw itemReaderFailed(`CSVHeaderLocation and CSVHeaders apply only to InputType CSV, not ${inputType}`);
  }
  if (inputType !== 'CSV' && config?.CSVDelimiter !== undefined) {
    throw itemReaderFailed(`CSVDelimiter applies only to InputType CSV, not ${inputType}`);
  }
  if (inputType !== 'JSON' && config?.ItemsPointer !== undefined) {
    throw itemReaderFailed(`ItemsPointer applies only to InputType JSON, not ${inputType}`);
  }
  const parsed: ItemParseConfig = {
    inputType,
    csvDelimiter: CSV_DELIMITERS[config?.CSVDelimiter ?? 'COMMA'],
    ...(maxItems === undefined ? {} : { maxItems }),
  };
  if (inputType === 'CSV') {
    const location = config?.CSVHeaderLocation ?? 'FIRST_ROW';
    if (location === 'GIVEN') {
      if (!config?.CSVHeaders || config.CSVHeaders.length === 0) {
        throw itemReaderFailed("CSVHeaderLocation GIVEN needs a non-empty 'CSVHeaders'");
      }
      parsed.csvHeaders = config.CSVHeaders;
    } else if (config?.CSVHeaders !== undefined) {
      throw itemReaderFailed('CSVHeaders may be set only when CSVHeaderLocation is GIVEN');
    }
  }
  if (config?.ItemsPointer !== undefined) {
    if (config.ItemsPointer !== '' && !config.ItemsPointer.startsWith('/')) {
      throw itemReaderFailed(`ItemsPointer '${config.ItemsPointer}' is not a JSON pointer (it must start with '/')`);
    }
    parsed.itemsPointer = config.ItemsPointer;
  }
  return parsed;
}
