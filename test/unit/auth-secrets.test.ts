import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  decodeMasterKey,
  hashSecret,
  loadMasterKey,
  MASTER_KEY_FILE,
  MasterKeyError,
  sealedBy,
  sealSecret,
  secretMatches,
  unsealSecret,
} from '../../engine/service/key-secrets';

const HEX_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

describe('API key secrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-secrets-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('hashes a secret with SHA-256 and matches only that secret', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(secretMatches(hashSecret('s3cret-value'), 's3cret-value')).toBe(true);
    expect(secretMatches(hashSecret('s3cret-value'), 's3cret-valuE')).toBe(false);
    expect(secretMatches('not-hex', 's3cret-value')).toBe(false);
  });

  test('seals a secret so that only the same master key and key id open it', () => {
    const master = loadMasterKey({ configured: HEX_KEY, dataDir: dir });
    const other = loadMasterKey({ configured: 'ff'.repeat(32), dataDir: dir });
    const sealed = sealSecret(master, 'SFKA', 'the-secret');
    expect(sealed).not.toContain('the-secret');
    expect(sealedBy(sealed)).toBe(master.id);
    expect(unsealSecret(master, 'SFKA', sealed)).toBe('the-secret');
    expect(unsealSecret(master, 'SFKB', sealed)).toBeUndefined();
    expect(unsealSecret(other, 'SFKA', sealed)).toBeUndefined();
    const parts = sealed.split('.');
    const flipped = [
      ...parts.slice(0, 3),
      Buffer.from(Buffer.from(parts[3], 'base64url').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64url'),
      parts[4],
    ];
    expect(unsealSecret(master, 'SFKA', flipped.join('.'))).toBeUndefined();
    const shortTag = [...parts.slice(0, 4), Buffer.from(parts[4], 'base64url').subarray(0, 4).toString('base64url')];
    expect(unsealSecret(master, 'SFKA', shortTag.join('.'))).toBeUndefined();
    expect(sealSecret(master, 'SFKA', 'the-secret')).not.toBe(sealed);
  });

  test('takes STEPFLOW_MASTER_KEY as hex or base64 and names it by a fingerprint', () => {
    const hex = loadMasterKey({ configured: HEX_KEY, dataDir: dir });
    const base64 = loadMasterKey({ configured: Buffer.from(HEX_KEY, 'hex').toString('base64'), dataDir: dir });
    expect(base64.key.equals(hex.key)).toBe(true);
    expect(base64.id).toBe(hex.id);
    expect(hex.id).toMatch(/^[0-9a-f]{16}$/);
    expect(hex.source).toBe('STEPFLOW_MASTER_KEY');
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(decodeMasterKey('abcd')).toBeUndefined();
    expect(() => loadMasterKey({ configured: 'short', dataDir: dir })).toThrow(MasterKeyError);
  });

  test('creates the master key file once, readable by its owner only, and reuses it', () => {
    const dataDir = path.join(dir, 'data');
    const first = loadMasterKey({ dataDir });
    const file = path.join(dataDir, MASTER_KEY_FILE);
    expect(first.source).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = loadMasterKey({ dataDir });
    expect(second.key.equals(first.key)).toBe(true);
    fs.writeFileSync(file, 'garbage\n');
    expect(() => loadMasterKey({ dataDir })).toThrow(`${file} does not hold a 32-byte base64 master key`);
  });
});
