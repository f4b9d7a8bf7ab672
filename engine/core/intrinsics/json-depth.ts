/**
 * Deepest nesting of arrays and objects a JSON text parsed inside an execution
 * (`States.StringToJson`, JSONata `$parse`) may have. Every later step that walks the value
 * (history serialisation, payload checks, Temporal's payload converter) recurses once per level;
 * a 10,000-deep value overflows the workflow thread's stack and crashes the worker, so the text
 * is refused before it is parsed.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * The nesting depth of the JSON text `text` (0 for a scalar), counting `[`/`{` outside string
 * literals, stopping as soon as it passes `max` (the return value is then `max + 1`). Linear in
 * the text and allocation-free, so it runs before `JSON.parse` on untrusted text.
 */
export function jsonTextDepth(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */) i++;
        else if (c === 0x22) break;
      }
    } else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > max) return max + 1;
      }
    } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) {
      depth--;
    }
  }
  return deepest;
}
