import { CsvRecordParser } from './csv';
import { itemReaderFailed } from './errors';
import { resolvePointer } from './json-pointer';
import { DEFAULT_ITEM_LIMITS, type ItemLimits, utf8Length } from './limits';
import type { ItemParseConfig } from './reader-config';

/**
 * Turns the text of one object into Distributed Map items, piece by piece, so that a large object
 * never needs to be held twice:
 * - `JSON`: the document (or the value `ItemsPointer` selects) must be an array; its elements are
 *   the items. A JSON document is parsed whole, once all of it has arrived.
 * - `JSONL`: each non-blank line is one JSON value, one item.
 * - `CSV`: each record is an object of strings keyed by the header (the first record, or
 *   `CSVHeaders`); a short record gets `""` for the missing columns, a long one loses the extra
 *   fields, as AWS documents.
 * A leading UTF-8 byte-order mark is ignored. Reading stops once `MaxItems` items are out
 * (`done`). Every bound of `ItemLimits` fails with `States.ItemReaderFailed`.
 */
export interface ItemParser {
  /** Feeds the next piece of the object (bytes, decoded as UTF-8, or text); returns the items it completed. */
  push(chunk: Uint8Array | string): unknown[];
  /** The object ended: returns the items still pending. */
  end(): unknown[];
  /** True once `MaxItems` items were produced: the caller may stop reading. */
  readonly done: boolean;
  /** Items produced so far. */
  readonly count: number;
}

/** Creates a parser for one object. `source` names the object in error causes (e.g. `s3://bucket/key`). */
export function createItemParser(
  config: ItemParseConfig,
  source: string,
  limits: ItemLimits = DEFAULT_ITEM_LIMITS,
): ItemParser {
  return new Parser(config, source, limits);
}

/** Parses a whole object at once (see `createItemParser`). */
export function parseItems(
  body: Uint8Array | string,
  config: ItemParseConfig,
  source: string,
  limits: ItemLimits = DEFAULT_ITEM_LIMITS,
): unknown[] {
  const parser = createItemParser(config, source, limits);
  const items = parser.push(body);
  if (!parser.done) for (const item of parser.end()) items.push(item);
  return items;
}

class Parser implements ItemParser {
  done = false;
  count = 0;
  private bytes = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private text = '';
  private first = true;
  private line = '';
  private lineNumber = 0;
  private readonly csv?: CsvRecordParser;
  private header?: readonly string[];
  private readonly cap: number;

  constructor(
    private readonly config: ItemParseConfig,
    private readonly source: string,
    private readonly limits: ItemLimits,
  ) {
    this.cap = Math.min(config.maxItems ?? Infinity, Infinity);
    if (config.inputType === 'CSV') {
      this.header = config.csvHeaders;
      this.csv = new CsvRecordParser(config.csvDelimiter, limits.maxItemChars, this.header?.length);
      // A header row in the file is bounded by AWS's 10 KiB before it is split into fields.
      if (this.header === undefined) this.csv.limitRecordChars(limits.maxHeaderBytes, () => this.headerTooLarge());
      else this.csv.limitRecordChars(limits.maxItemChars, () => this.recordTooLong());
    }
    if (this.cap === 0) this.done = true;
  }

  push(chunk: Uint8Array | string): unknown[] {
    if (this.done) return [];
    this.bytes += typeof chunk === 'string' ? utf8Length(chunk) : chunk.byteLength;
    if (this.bytes > this.limits.maxSourceBytes) {
      throw itemReaderFailed(
        `${this.source} is larger than Stepflow's limit of ${this.limits.maxSourceBytes} bytes for an ItemReader source`,
      );
    }
    return this.take(this.decode(chunk, false));
  }

  end(): unknown[] {
    if (this.done) return [];
    const rest = this.decode(new Uint8Array(0), true);
    const out = this.take(rest);
    if (this.done) return out;
    switch (this.config.inputType) {
      case 'JSON':
        // Item by item: spreading a million items into push() would overflow the stack.
        for (const item of this.jsonItems()) out.push(item);
        break;
      case 'JSONL':
        this.jsonLine(this.line, out);
        this.line = '';
        break;
      case 'CSV':
        this.csv!.end((fields) => this.csvRecord(fields, out));
        break;
    }
    this.done = true;
    return out;
  }

  private decode(chunk: Uint8Array | string, final: boolean): string {
    let text: string;
    try {
      text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: !final });
    } catch {
      throw itemReaderFailed(`${this.source} is not valid UTF-8 text`);
    }
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }

  /** Feeds decoded text to the format's parser; returns completed items. */
  private take(text: string): unknown[] {
    const out: unknown[] = [];
    if (text === '') return out;
    switch (this.config.inputType) {
      case 'JSON':
        // Parsed whole at the end; the byte bound above bounds what is held.
        this.text += text;
        break;
      case 'JSONL':
        this.jsonLines(text, out);
        break;
      case 'CSV':
        this.csv!.push(text, (fields) => this.csvRecord(fields, out));
        break;
    }
    return out;
  }

  private emit(item: unknown, out: unknown[]): void {
    if (this.done) return;
    if (this.count >= this.limits.maxItems) {
      throw itemReaderFailed(
        `${this.source} holds more than Stepflow's limit of ${this.limits.maxItems} items; set ReaderConfig.MaxItems to read fewer`,
      );
    }
    out.push(item);
    this.count++;
    if (this.count >= this.cap) this.done = true;
  }

  private jsonItems(): unknown[] {
    let document: unknown;
    try {
      document = JSON.parse(this.text);
    } catch (err) {
      throw itemReaderFailed(`${this.source} is not valid JSON: ${(err as Error).message}`);
    }
    this.text = '';
    const selected =
      this.config.itemsPointer === undefined ? document : resolvePointer(document, this.config.itemsPointer);
    if (!Array.isArray(selected)) {
      throw itemReaderFailed(
        this.config.itemsPointer === undefined
          ? `${this.source} does not hold a JSON array; set ReaderConfig.ItemsPointer to the array inside it`
          : `ItemsPointer '${this.config.itemsPointer}' does not select a JSON array in ${this.source}`,
      );
    }
    const out: unknown[] = [];
    for (const item of selected) {
      this.emit(item, out);
      if (this.done) break;
    }
    return out;
  }

  private jsonLines(text: string, out: unknown[]): void {
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      const line = this.line + text.slice(start, newline);
      this.line = '';
      this.jsonLine(line, out);
      if (this.done) return;
      start = newline + 1;
    }
    this.line += text.slice(start);
    if (this.line.length > this.limits.maxItemChars) {
      throw itemReaderFailed(
        `Line ${this.lineNumber + 1} of ${this.source} is longer than Stepflow's limit of ${this.limits.maxItemChars} characters`,
      );
    }
  }

  private jsonLine(raw: string, out: unknown[]): void {
    this.lineNumber++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length > this.limits.maxItemChars) {
      throw itemReaderFailed(
        `Line ${this.lineNumber} of ${this.source} is longer than Stepflow's limit of ${this.limits.maxItemChars} characters`,
      );
    }
    if (line.trim() === '') return;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch (err) {
      throw itemReaderFailed(`Line ${this.lineNumber} of ${this.source} is not valid JSON: ${(err as Error).message}`);
    }
    this.emit(item, out);
  }

  private csvRecord(fields: string[], out: unknown[]): void {
    if (this.done) return;
    if (this.header === undefined) {
      const bytes = fields.reduce((sum, field) => sum + utf8Length(field), fields.length - 1);
      if (bytes > this.limits.maxHeaderBytes) throw this.headerTooLarge();
      this.header = fields;
      this.csv!.limitFields(fields.length);
      this.csv!.limitRecordChars(this.limits.maxItemChars, () => this.recordTooLong());
      return;
    }
    const item: Record<string, string> = {};
    this.header.forEach((name, index) => {
      const value = fields[index] ?? '';
      // A column named __proto__ is an own property like any other, never the object's prototype.
      if (name === '__proto__')
        Object.defineProperty(item, name, { value, enumerable: true, writable: true, configurable: true });
      else item[name] = value;
    });
    this.emit(item, out);
  }

  private recordTooLong(): Error {
    return itemReaderFailed(
      `A CSV record of ${this.source} is longer than Stepflow's limit of ${this.limits.maxItemChars} characters`,
    );
  }

  private headerTooLarge(): Error {
    return itemReaderFailed(
      `The CSV header of ${this.source} is larger than the limit of ${this.limits.maxHeaderBytes} bytes`,
    );
  }
}
