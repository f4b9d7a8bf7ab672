import { ConfigError, loadConfig } from '../../engine/config';
import { temporalSecurity } from '../../engine/temporal/connection-options';

const FILES: Record<string, string> = { '/tls/ca.pem': 'CA', '/tls/client.pem': 'CERT', '/tls/client.key': 'KEY' };
const readFile = (file: string): Buffer => {
  if (!(file in FILES)) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
  return Buffer.from(FILES[file] as string);
};
const security = (env: Record<string, string>) => temporalSecurity(loadConfig(env), readFile);

describe('temporalSecurity', () => {
  test('plain gRPC when nothing is set (the managed server, a private cluster)', () => {
    expect(security({})).toEqual({});
  });

  test('mTLS with a private CA, a client certificate and an SNI override', () => {
    expect(
      security({
        TEMPORAL_TLS_CA: '/tls/ca.pem',
        TEMPORAL_TLS_CERT: '/tls/client.pem',
        TEMPORAL_TLS_KEY: '/tls/client.key',
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      }),
    ).toEqual({
      tls: {
        serverRootCACertificate: Buffer.from('CA'),
        clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
        serverNameOverride: 'temporal.internal',
      },
    });
  });

  test('an API key (Temporal Cloud) turns TLS on with the system roots, unless TEMPORAL_TLS=false', () => {
    expect(security({ TEMPORAL_API_KEY: 'k1' })).toEqual({ apiKey: 'k1', tls: {} });
    expect(security({ TEMPORAL_API_KEY: 'k1', TEMPORAL_TLS: 'false' })).toEqual({ apiKey: 'k1' });
    expect(security({ TEMPORAL_TLS: 'true' })).toEqual({ tls: {} });
  });

  test('contradictory or unreadable settings stop start-up naming the variable', () => {
    expect(() => security({ TEMPORAL_TLS_CERT: '/tls/client.pem' })).toThrow(
      new ConfigError(
        'invalid environment:\n  TEMPORAL_TLS_KEY: must be set with TEMPORAL_TLS_CERT (a client certificate and its key)',
      ),
    );
    expect(() => security({ TEMPORAL_TLS_KEY: '/tls/client.key' })).toThrow(
      new ConfigError(
        'invalid environment:\n  TEMPORAL_TLS_CERT: must be set with TEMPORAL_TLS_KEY (a client certificate and its key)',
      ),
    );
    expect(() => security({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA: '/tls/ca.pem' })).toThrow(
      new ConfigError(
        'invalid environment:\n  TEMPORAL_TLS: is false, but TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT/KEY or TEMPORAL_TLS_SERVER_NAME ask for TLS',
      ),
    );
    expect(() => security({ TEMPORAL_TLS_CA: '/tls/missing.pem' })).toThrow(
      new ConfigError('invalid environment:\n  TEMPORAL_TLS_CA: cannot read /tls/missing.pem (ENOENT)'),
    );
    expect(() => loadConfig({ TEMPORAL_TLS: 'yes' })).toThrow(ConfigError);
  });
});
