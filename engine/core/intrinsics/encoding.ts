import { md5, sha1 } from '@noble/hashes/legacy';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';

// Written by hand because neither Buffer nor btoa/atob is guaranteed inside the workflow sandbox.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** UTF-8 bytes of a string, base64-encoded with padding (RFC 4648 §4). */
export function base64Encode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
    out += b === undefined ? '=' : ALPHABET[(n >> 6) & 63];
    out += c === undefined ? '=' : ALPHABET[n & 63];
  }
  return out;
}

/** Decodes base64 (padding optional, as Java's decoder accepts) to UTF-8 text; undefined when invalid. */
export function base64Decode(encoded: string): string | undefined {
  if (!BASE64.test(encoded)) return undefined;
  const digits = encoded.replace(/=+$/, '');
  if (digits.length % 4 === 1 || (encoded.length > digits.length && encoded.length % 4 !== 0)) return undefined;
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of digits) {
    buffer = (buffer << 6) | ALPHABET.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** The hash algorithms "States.Hash" accepts, mapped to pure-JS implementations. */
export const HASH_ALGORITHMS: Record<string, (data: Uint8Array) => Uint8Array> = {
  MD5: md5,
  'SHA-1': sha1,
  'SHA-256': sha256,
  'SHA-384': sha384,
  'SHA-512': sha512,
};

/** Lower-case hex digest of the UTF-8 bytes of `text`. */
export function hashHex(algorithm: string, text: string): string {
  return bytesToHex(HASH_ALGORITHMS[algorithm](new TextEncoder().encode(text)));
}

const MULTIPLIER = 0x5deece66dn;
const MASK_48 = (1n << 48n) - 1n;

/**
 * `java.util.Random(seed).nextInt(bound)`: the generator a seeded "States.MathRandom" is built
 * on, so a seed alone determines the result (and, we expect, the value AWS's Java runtime gives).
 */
export function javaSeededNextInt(seed: number, bound: number): number {
  let state = (BigInt(seed) ^ MULTIPLIER) & MASK_48;
  const next31 = (): number => {
    state = (state * MULTIPLIER + 0xbn) & MASK_48;
    return Number(state >> 17n);
  };
  let r = next31();
  const m = bound - 1;
  if ((bound & m) === 0) return Number((BigInt(bound) * BigInt(r)) >> 31n);
  for (let u = r; ((u - (r = u % bound) + m) | 0) < 0; u = next31());
  return r;
}

/** A version 4 UUID whose 122 random bits come from `random` (values in [0, 1)). */
export function uuidV4(random: () => number): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256) & 0xff);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
