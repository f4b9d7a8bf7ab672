import { CsvRecordParser } from '../../../engine/core/items';

/** All records of `text`, fed in pieces of `step` characters (every split point is exercised by the callers). */
function records(text: string, delimiter = ',', step = text.length || 1, maxChars = 1_000_000): string[][] {
  const parser = new CsvRecordParser(delimiter, maxChars);
  const out: string[][] = [];
  for (let i = 0; i < text.length; i += step) parser.push(text.slice(i, i + step), (r) => out.push(r));
  parser.end((r) => out.push(r));
  return out;
}

/** The same records whatever the chunking: the parser's result may not depend on where a chunk ends. */
function everySplit(text: string, delimiter = ','): string[][] {
  const whole = records(text, delimiter);
  for (let step = 1; step < text.length; step++) expect(records(text, delimiter, step)).toEqual(whole);
  return whole;
}

describe('CsvRecordParser', () => {
  test('splits fields on commas and records on LF, CRLF and CR', () => {
    expect(everySplit('a,b,c\n1,2,3\r\n4,5,6\r7,8,9')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', '6'],
      ['7', '8', '9'],
    ]);
  });

  test('keeps commas, newlines and doubled quotes inside a quoted field', () => {
    expect(everySplit('"a,b","line1\nline2","say ""hi""",""\n')).toEqual([['a,b', 'line1\nline2', 'say "hi"', '']]);
  });

  test("reads AWS's documented example row exactly", () => {
    const row =
      'abc,123,"This string contains commas, a double quotation marks (""), and a newline (\n)",{""MyKey"":""MyValue""},"[1,2,3]"';
    expect(everySplit(row)).toEqual([
      [
        'abc',
        '123',
        'This string contains commas, a double quotation marks ("), and a newline (\n)',
        '{"MyKey":"MyValue"}',
        '[1,2,3]',
      ],
    ]);
  });

  test('escapes backslash, quote and delimiter with a backslash and drops it before anything else', () => {
    expect(everySplit('C:\\\\Program Files\\\\MyApp.exe,6534512\na\\,b,\\"q\\",\\x\\n')).toEqual([
      ['C:\\Program Files\\MyApp.exe', '6534512'],
      ['a,b', '"q"', 'xn'],
    ]);
  });

  test('escapes the configured delimiter, not the comma, when the delimiter is a pipe', () => {
    expect(everySplit('a\\|b|c,d\\,e', '|')).toEqual([['a|b', 'c,d,e']]);
  });

  test('skips blank lines, keeps lines of empty fields', () => {
    expect(everySplit('\n\na\n\n,\n""\n\r\n')).toEqual([['a'], ['', ''], ['']]);
  });

  test('opens a quoted section mid-field and keeps text after a closing quote', () => {
    expect(everySplit('a"b,c"d,"x"y')).toEqual([['ab,cd', 'xy']]);
  });

  test('ends an unterminated quoted field at the end of the text', () => {
    expect(everySplit('a,"open\nstill')).toEqual([['a', 'open\nstill']]);
  });

  test('splits on tab, semicolon and space delimiters', () => {
    expect([records('a\tb', '\t'), records('a;b', ';'), records('a b', ' ')]).toEqual([
      [['a', 'b']],
      [['a', 'b']],
      [['a', 'b']],
    ]);
  });

  test('keeps at most the fields asked for', () => {
    const parser = new CsvRecordParser(',', 100, 2);
    const out: string[][] = [];
    parser.push('a,b,c,d\n"x,y",z,"w\nv",u\n', (r) => out.push(r));
    parser.end((r) => out.push(r));
    expect(out).toEqual([
      ['a', 'b'],
      ['x,y', 'z'],
    ]);
  });

  test('fails with States.ItemReaderFailed when a record passes the character bound', () => {
    expect(() => records(`"${'x'.repeat(50)}`, ',', 7, 40)).toThrow(
      "States.ItemReaderFailed: A CSV record is longer than Stepflow's limit of 40 characters",
    );
  });
});
