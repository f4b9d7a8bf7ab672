import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../schemas/config';

/**
 * How API key secrets are kept. A secret is random and high-entropy (192 bits from
 * `stepflow keys create`), so a plain SHA-256 is enough to verify `Bearer <id>.<secret>`
 * without storing anything that authenticates. SigV4, however, is an HMAC keyed by the secret
 * itself: the server must recover the secret to check a signature. So each secret is also
 * sealed with AES-256-GCM under a master key that never enters the database — from
 * `STEPFLOW_MASTER_KEY`, else from `<STEPFLOW_DATA_DIR>/master.key`, created (mode 0600) on
 * first use. A database dump alone yields neither usable Bearer secrets nor SigV4 secrets.
 */

/** Length of the AES-256 master key. */
const MASTER_KEY_BYTES = 32;
/** GCM nonce length (the size GCM is specified for). */
const IV_BYTES = 12;
/** Version tag of the sealed format: `v1.<master key id>.<iv>.<ciphertext>.<tag>`, base64url parts. */
const SEALED_VERSION = 'v1';
/** File name of the generated master key inside the data directory. */
export const MASTER_KEY_FILE = 'master.key';

/** The master key and a short public fingerprint of it (which master key sealed a secret). */
export interface MasterKey {
  key: Buffer;
  /** 16 hex digits of HMAC-SHA256(key, …): names the key without revealing it. */
  id: string;
  /** Where it came from: `STEPFLOW_MASTER_KEY` or the file's path. */
  source: string;
}

/** Thrown when a configured master key is unusable. */
export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

/** Hex SHA-256 of a secret: what is stored to verify it. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** True when `presented` hashes to `storedHash`; compares the hashes in constant time. */
export function secretMatches(storedHash: string, presented: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const given = createHash('sha256').update(presented, 'utf8').digest();
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Decodes `STEPFLOW_MASTER_KEY`: 64 hex digits or base64(url) of 32 bytes. */
export function decodeMasterKey(text: string): Buffer | undefined {
  const value = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(value)
      ? Buffer.from(value, 'base64')
      : undefined;
  return bytes?.length === MASTER_KEY_BYTES ? bytes : undefined;
}

function masterKey(key: Buffer, source: string): MasterKey {
  return {
    key,
    id: createHmac('sha256', key).update('stepflow api key master key').digest('hex').slice(0, 16),
    source,
  };
}

/**
 * The master key: `STEPFLOW_MASTER_KEY` when set, else `<dataDir>/master.key`, created with
 * 32 random bytes and mode 0600 if missing (exclusive create, so concurrent first starts agree).
 * Every process that seals or unseals (the API, `stepflow keys`, `stepflow auth`) must resolve
 * the same key: several API replicas or a CLI on another machine need `STEPFLOW_MASTER_KEY`.
 */
export function loadMasterKey(options: { configured?: string; dataDir: string }): MasterKey {
  if (options.configured) {
    const key = decodeMasterKey(options.configured);
    if (!key) throw new MasterKeyError('STEPFLOW_MASTER_KEY must be 32 bytes as 64 hex digits or base64');
    return masterKey(key, 'STEPFLOW_MASTER_KEY');
  }
  const file = path.resolve(options.dataDir, MASTER_KEY_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, `${randomBytes(MASTER_KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = decodeMasterKey(fs.readFileSync(file, 'utf8'));
  if (!key) throw new MasterKeyError(`${file} does not hold a 32-byte base64 master key`);
  return masterKey(key, file);
}

const loaded = new WeakMap<object, MasterKey>();

/** The master key of a configuration (`STEPFLOW_MASTER_KEY` or the data directory's key), loaded once per config. */
export function masterKeyOf(config: Pick<Config, 'STEPFLOW_MASTER_KEY' | 'STEPFLOW_DATA_DIR'>): MasterKey {
  let key = loaded.get(config);
  if (!key) {
    key = loadMasterKey({ configured: config.STEPFLOW_MASTER_KEY, dataDir: config.STEPFLOW_DATA_DIR });
    loaded.set(config, key);
  }
  return key;
}

const additionalData = (keyId: string) => Buffer.from(`stepflow api key ${keyId}`, 'utf8');

/** Seals a key's secret; bound to the key id, so a sealed value moved to another row does not open. */
export function sealSecret(master: MasterKey, keyId: string, secret: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', master.key, iv);
  cipher.setAAD(additionalData(keyId));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [
    SEALED_VERSION,
    master.id,
    iv.toString('base64url'),
    ciphertext.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

/** The master key id a sealed secret names (undefined when the value is not in the sealed format). */
export function sealedBy(sealed: string): string | undefined {
  const parts = sealed.split('.');
  return parts.length === 5 && parts[0] === SEALED_VERSION ? parts[1] : undefined;
}

/**
 * Opens a sealed secret; undefined when it was sealed under another master key, for another
 * key id, or was altered.
 */
export function unsealSecret(master: MasterKey, keyId: string, sealed: string): string | undefined {
  const [version, masterId, iv, ciphertext, tag, ...rest] = sealed.split('.');
  if (version !== SEALED_VERSION || masterId !== master.id || rest.length > 0 || !iv || !ciphertext || !tag)
    return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', master.key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
    decipher.setAAD(additionalData(keyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
