/**
 * Bounds of a Distributed Map's `ItemReader` and `ResultWriter`: AWS's documented limits where
 * AWS has one, Stepflow's own where holding the data in one process needs one. Every parser and
 * writer takes an `ItemLimits` so a deployment (or a test) may lower them.
 */

/** AWS's ceiling on `ReaderConfig.MaxItems` (and `MaxItemsPath`): larger values are clipped to it. */
export const AWS_MAX_ITEMS = 100_000_000;

/** AWS's limit on a CSV header row read from the file (`CSVHeaderLocation: FIRST_ROW`): 10 KiB. */
export const CSV_HEADER_MAX_BYTES = 10 * 1024;

/** AWS's limit on one item read from a file: 8 MB (of its text here: a JSON Lines line or a CSV record). */
export const MAX_ITEM_SOURCE_CHARS = 8 * 1024 * 1024;

/**
 * Stepflow's limit on the object an `ItemReader` reads (AWS allows 10 GB, streamed by its fleet):
 * 256 MiB, so a hostile or mistaken object cannot exhaust the reading process's memory.
 */
export const ITEM_SOURCE_MAX_BYTES = 256 * 1024 * 1024;

/** Stepflow's limit on the items one `ItemReader` yields when `MaxItems` does not stop it sooner. */
export const ITEM_READER_MAX_ITEMS = 1_000_000;

/** AWS splits a ResultWriter file once it passes 5 GB: the rest goes to `<STATUS>_<n+1>.json`. */
export const RESULT_FILE_MAX_BYTES = 5 * 1024 * 1024 * 1024;

/** The bounds one read or write applies. */
export interface ItemLimits {
  /** Bytes of the source object (default ITEM_SOURCE_MAX_BYTES). */
  maxSourceBytes: number;
  /** Items produced, whatever `MaxItems` says (default ITEM_READER_MAX_ITEMS). */
  maxItems: number;
  /** Characters of one item's source text (default MAX_ITEM_SOURCE_CHARS). */
  maxItemChars: number;
  /** Bytes of a CSV header row read from the file (default CSV_HEADER_MAX_BYTES). */
  maxHeaderBytes: number;
}

/** The default bounds. */
export const DEFAULT_ITEM_LIMITS: ItemLimits = Object.freeze({
  maxSourceBytes: ITEM_SOURCE_MAX_BYTES,
  maxItems: ITEM_READER_MAX_ITEMS,
  maxItemChars: MAX_ITEM_SOURCE_CHARS,
  maxHeaderBytes: CSV_HEADER_MAX_BYTES,
});

/** UTF-8 length of a string, without allocating its encoding. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
