import fs from 'node:fs/promises';

/** How much of a log's end goes into an error message. */
export const LOG_TAIL_BYTES = 4096;

/** ANSI colour sequences (the Temporal tools colour their console output). */
const ANSI = /\x1b\[[0-9;]*m/g;

/** Strips ANSI colour sequences so log excerpts read well inside error messages and JSON logs. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** The last `maxBytes` of a text file, without colour codes; '' when the file is missing. */
export async function readLogTail(file: string, maxBytes = LOG_TAIL_BYTES): Promise<string> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    // Drop a partial first line when the excerpt starts mid-file.
    const trimmed = length < size ? text.slice(text.indexOf('\n') + 1) : text;
    return stripAnsi(trimmed).trimEnd();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  } finally {
    await handle?.close();
  }
}
