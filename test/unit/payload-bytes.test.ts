import { checkPayloadSize, MAX_PAYLOAD_BYTES, payloadBytes } from '../../engine/core/interpreter/limits';

describe('payloadBytes', () => {
  test('counts one byte per unit when the text is ASCII', () => {
    expect(payloadBytes('')).toBe(0);
    expect(payloadBytes('{"a":"b"}')).toBe(9);
  });

  test('counts UTF-8 bytes when non-ASCII units come after a long ASCII prefix', () => {
    const prefix = 'x'.repeat(1000);
    expect(payloadBytes(`${prefix}é`)).toBe(1002);
    expect(payloadBytes(`${prefix}€`)).toBe(1003);
    expect(payloadBytes(`${prefix}\u{1F600}`)).toBe(1004);
    expect(payloadBytes(`${prefix}\ud800x`)).toBe(1004);
    expect(payloadBytes(`é${prefix}€\u{1F600}a\udc00`)).toBe(2 + 1000 + 3 + 4 + 1 + 3);
  });

  test('agrees with TextEncoder when the text mixes every width', () => {
    const texts = [
      'abc',
      'ñandú',
      '日本語テキスト',
      'a\u{1F600}b\u{1F680}',
      'lone \ud83d end',
      '\udc00\ud800',
      'é'.repeat(500),
    ];
    for (const text of texts) expect(payloadBytes(text)).toBe(new TextEncoder().encode(text).length);
  });

  test('fails the state when a non-ASCII output is over the limit only in UTF-8', () => {
    const text = `"${'é'.repeat(MAX_PAYLOAD_BYTES / 2)}"`;
    expect(text.length).toBeLessThan(MAX_PAYLOAD_BYTES);
    expect(() => checkPayloadSize('Big', text)).toThrow(
      "The state/task 'Big' returned a result with a size exceeding the maximum number of bytes service limit.",
    );
    expect(() => checkPayloadSize('Small', `"${'a'.repeat(MAX_PAYLOAD_BYTES - 2)}"`)).not.toThrow();
  });
});

describe('checkPayloadSize', () => {
  const cause = (name: string) =>
    `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`;

  test('passes the same output at every state when it was found within the limit', () => {
    const output = { text: 'é'.repeat(100_000) };
    const text = JSON.stringify(output);
    expect(text.length * 3).toBeGreaterThan(MAX_PAYLOAD_BYTES);
    expect(() => checkPayloadSize('First', text, output)).not.toThrow();
    expect(() => checkPayloadSize('Second', text, output)).not.toThrow();
  });

  test('fails at every state when the same output is over the limit', () => {
    const output = { text: 'é'.repeat(140_000) };
    const text = JSON.stringify(output);
    expect(() => checkPayloadSize('First', text, output)).toThrow(cause('First'));
    expect(() => checkPayloadSize('Second', text, output)).toThrow(cause('Second'));
  });
  test('counts an ASCII output by its length and a copy of it by its new members when the copy shares the rest', () => {
    const input = { items: ['a'.repeat(100_000)], id: 'x' };
    expect(() => checkPayloadSize('Input', JSON.stringify(input), input)).not.toThrow();
    const within = { ...input, note: 'é'.repeat(20_000) };
    expect(() => checkPayloadSize('Within', JSON.stringify(within), within)).not.toThrow();
    // 100,000 ASCII units and 90,000 two-byte ones: 190,033 units, 280,033 bytes.
    const over = { ...input, note: 'é'.repeat(90_000) };
    expect(JSON.stringify(over).length).toBe(190_033);
    expect(() => checkPayloadSize('Over', JSON.stringify(over), over)).toThrow(cause('Over'));
    const key = { ...input, ['é'.repeat(90_000)]: 1 };
    expect(() => checkPayloadSize('Key', JSON.stringify(key), key)).toThrow(cause('Key'));
  });

  test('counts the text when an object in the output has a toJSON', () => {
    const output = { when: { toJSON: () => 'é'.repeat(140_000) } };
    const text = JSON.stringify(output);
    expect(text.length).toBe(140_011);
    expect(() => checkPayloadSize('Custom', text, output)).toThrow(cause('Custom'));
    const listed = [{ toJSON: () => 'é'.repeat(140_000) }];
    expect(() => checkPayloadSize('Listed', JSON.stringify(listed), listed)).toThrow(cause('Listed'));
  });
});
