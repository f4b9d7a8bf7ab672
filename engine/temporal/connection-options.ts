import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../../schemas/config';
import { ConfigError } from '../config';

/** How Stepflow's client and workers reach the Temporal frontend: TLS and an API key, or neither. */
export interface TemporalSecurity {
  /** `undefined`: plain gRPC (the managed local server, a cluster on a private network). */
  tls?: TLSConfig;
  /** Sent as `Authorization: Bearer <key>` (Temporal Cloud API keys). */
  apiKey?: string;
}

type ReadFile = (file: string) => Buffer;

function readPem(variable: string, file: string, readFile: ReadFile): Buffer {
  try {
    return readFile(file);
  } catch (err) {
    throw new ConfigError(
      `invalid environment:\n  ${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

/**
 * The connection options shared by the API's client and every worker. TLS is on when
 * `TEMPORAL_TLS=true`, or when any of `TEMPORAL_TLS_CA` (the server's root CA, PEM file),
 * `TEMPORAL_TLS_CERT` + `TEMPORAL_TLS_KEY` (a client certificate for mTLS, PEM files, both or
 * neither), `TEMPORAL_TLS_SERVER_NAME` (SNI override) or `TEMPORAL_API_KEY` is set; without a CA
 * the system's trusted roots verify the server (Temporal Cloud). `TEMPORAL_TLS=false` turns it
 * off explicitly, e.g. an API key over a TLS-terminating proxy.
 */
export function temporalSecurity(
  config: Config,
  readFile: ReadFile = (file) => fs.readFileSync(file),
): TemporalSecurity {
  const {
    TEMPORAL_TLS: tlsFlag,
    TEMPORAL_TLS_CA: ca,
    TEMPORAL_TLS_CERT: cert,
    TEMPORAL_TLS_KEY: key,
    TEMPORAL_TLS_SERVER_NAME: serverName,
    TEMPORAL_API_KEY: apiKey,
  } = config;
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigError(
      `invalid environment:\n  ${cert === undefined ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY'}: must be set with ${cert === undefined ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'} (a client certificate and its key)`,
    );
  }
  const wantsTls = ca !== undefined || cert !== undefined || serverName !== undefined;
  if (tlsFlag === false && wantsTls) {
    throw new ConfigError(
      'invalid environment:\n  TEMPORAL_TLS: is false, but TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT/KEY or TEMPORAL_TLS_SERVER_NAME ask for TLS',
    );
  }
  const security: TemporalSecurity = {};
  if (apiKey !== undefined) security.apiKey = apiKey;
  if (tlsFlag === true || wantsTls || (apiKey !== undefined && tlsFlag !== false)) {
    const tls: TLSConfig = {};
    if (ca !== undefined) tls.serverRootCACertificate = readPem('TEMPORAL_TLS_CA', ca, readFile);
    if (cert !== undefined && key !== undefined)
      tls.clientCertPair = {
        crt: readPem('TEMPORAL_TLS_CERT', cert, readFile),
        key: readPem('TEMPORAL_TLS_KEY', key, readFile),
      };
    if (serverName !== undefined) tls.serverNameOverride = serverName;
    security.tls = tls;
  }
  return security;
}
