import { itemReaderFailed } from './errors';

/**
 * An incremental parser of delimited text as Step Functions documents it ("How Step Functions
 * parses input CSV files"), on top of RFC 4180:
 * - the delimiter separates fields; a newline (`\n`, `\r\n` or `\r`) separates records;
 * - every field is a string;
 * - double quotes are optional; a quoted field may hold delimiters and newlines;
 * - `""` is one literal quote, inside or outside a quoted field (AWS's own example writes
 *   `{""MyKey"":""MyValue""}` unquoted and reads `{"MyKey":"MyValue"}`);
 * - a backslash escapes a backslash, a double quote or the delimiter; before any other character
 *   it is silently removed;
 * - a quote in the middle of an unquoted field opens a quoted section (so `a"b,c"d` is `ab,cd`),
 *   and text after a closing quote is kept (`"ab"c` is `abc`) — cases AWS leaves unsaid;
 * - a blank line is no record.
 *
 * `maxRecordChars` bounds one record's text, `maxFields` the fields kept per record (extra ones
 * are counted but dropped, as AWS drops fields beyond the header), so hostile input cannot
 * allocate without bound.
 */
export class CsvRecordParser {
  private fields: string[] = [];
  private field = '';
  private fieldCount = 0;
  /** Characters the current field has received (kept or dropped). */
  private fieldChars = 0;
  private quoted = false;
  /** The record has content (a blank line has none). */
  private started = false;
  private recordChars = 0;
  /** A character held back because its meaning depends on the next one (`\`, `"` or `\r`). */
  private carry = '';

  private tooLong: () => Error;

  constructor(
    private readonly delimiter: string,
    private maxRecordChars: number,
    private maxFields: number = Number.MAX_SAFE_INTEGER,
  ) {
    this.tooLong = () =>
      itemReaderFailed(`A CSV record is longer than Stepflow's limit of ${this.maxRecordChars} characters`);
  }

  /** Keeps at most `count` fields of each following record. */
  limitFields(count: number): void {
    this.maxFields = count;
  }

  /** Bounds the following records to `chars` characters, failing with `tooLong()` past it. */
  limitRecordChars(chars: number, tooLong: () => Error): void {
    this.maxRecordChars = chars;
    this.tooLong = tooLong;
  }

  /** Parses the next piece of text; `onRecord` receives each record completed in it. */
  push(text: string, onRecord: (fields: string[]) => void): void {
    const input = this.carry + text;
    this.carry = '';
    this.scan(input, false, onRecord);
  }

  /** The text ended: completes the last record (an unterminated quoted field ends with it). */
  end(onRecord: (fields: string[]) => void): void {
    const input = this.carry;
    this.carry = '';
    this.scan(input, true, onRecord);
    if (this.started || this.fieldCount > 0) this.finishRecord(onRecord);
  }

  /** Counts `chars` characters of the record's source text (delimiters and quotes too) against the bound. */
  private consume(chars: number): void {
    this.recordChars += chars;
    if (this.recordChars > this.maxRecordChars) throw this.tooLong();
  }

  private append(text: string): void {
    this.started = true;
    this.fieldChars += text.length;
    if (this.fieldCount < this.maxFields) this.field += text;
  }

  private finishField(): void {
    if (this.fieldCount < this.maxFields) this.fields.push(this.field);
    this.field = '';
    this.fieldChars = 0;
    this.fieldCount++;
    this.started = true;
  }

  private finishRecord(onRecord: (fields: string[]) => void): void {
    const blank = !this.started && this.fieldCount === 0;
    if (!blank) {
      this.finishField();
      const record = this.fields;
      this.fields = [];
      onRecord(record);
    }
    this.fields = [];
    this.field = '';
    this.fieldChars = 0;
    this.fieldCount = 0;
    this.started = false;
    this.quoted = false;
    this.recordChars = 0;
  }

  private scan(input: string, final: boolean, onRecord: (fields: string[]) => void): void {
    const d = this.delimiter;
    let i = 0;
    while (i < input.length) {
      const c = input[i];
      const hasNext = i + 1 < input.length;
      if ((c === '\\' || c === '"' || c === '\r') && !hasNext && !final) {
        this.carry = c;
        return;
      }
      const next = hasNext ? input[i + 1] : undefined;
      if (c === '\\') {
        if (next === '\\' || next === '"' || next === d) {
          this.consume(2);
          this.append(next);
          i += 2;
        } else {
          // AWS: a backslash before any other character is silently removed.
          this.consume(1);
          this.started = true;
          i += 1;
        }
        continue;
      }
      if (c === '"') {
        if (this.quoted) {
          if (next === '"') {
            this.consume(2);
            this.append('"');
            i += 2;
          } else {
            this.consume(1);
            this.quoted = false;
            i += 1;
          }
        } else if (next === '"' && this.fieldChars > 0) {
          this.consume(2);
          this.append('"');
          i += 2;
        } else {
          this.consume(1);
          this.quoted = true;
          this.started = true;
          i += 1;
        }
        continue;
      }
      if (!this.quoted && c === d) {
        this.consume(1);
        this.finishField();
        i += 1;
        continue;
      }
      if (!this.quoted && (c === '\n' || c === '\r')) {
        i += c === '\r' && next === '\n' ? 2 : 1;
        this.finishRecord(onRecord);
        continue;
      }
      // A run of plain characters at once.
      let j = i + 1;
      while (j < input.length) {
        const k = input[j];
        if (k === '\\' || k === '"' || (!this.quoted && (k === d || k === '\n' || k === '\r'))) break;
        j++;
      }
      this.consume(j - i);
      this.append(input.slice(i, j));
      i = j;
    }
  }
}
