import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../engine/config';
import { createTemporalClient } from '../../engine/temporal/client';
import { temporalSecurity } from '../../engine/temporal/connection-options';
import { readStack } from './support/stack';

/**
 * TLS settings end to end: a mutual-TLS proxy (its own CA, server certificate for
 * `temporal.test`, client certificates required) in front of the real test Temporal server; the
 * API's client and the worker's native connection reach Temporal through it with the settings
 * from the environment, and nothing gets through without a client certificate.
 */
describe('Temporal over mTLS', () => {
  let dir: string;
  let proxy: tls.Server;
  let address: string;
  /** Handshakes the proxy refused, by reason. */
  const refused: string[] = [];
  const file = (name: string) => path.join(dir, name);

  function openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  }

  /** A certificate signed by the test CA (X.509 v3: the Rust core refuses v1). */
  function issue(name: string, subject: string, extensions: string): void {
    fs.writeFileSync(file(`${name}.ext`), extensions);
    openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${subject}`,
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    ]);
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-tls-'));
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=stepflow test CA',
    ]);
    issue('server', 'temporal.test', 'subjectAltName=DNS:temporal.test\nextendedKeyUsage=serverAuth\n');
    issue('client', 'stepflow-worker', 'extendedKeyUsage=clientAuth\n');
    const [host, port] = readStack().temporalAddress.split(':') as [string, string];
    proxy = tls.createServer(
      {
        key: fs.readFileSync(file('server.key')),
        cert: fs.readFileSync(file('server.pem')),
        ca: fs.readFileSync(file('ca.pem')),
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ['h2'],
      },
      (socket) => {
        const upstream = net.connect(Number(port), host);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      },
    );
    proxy.on('tlsClientError', (err) => refused.push(err.message));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({
    TEMPORAL_TLS_CA: file('ca.pem'),
    TEMPORAL_TLS_CERT: file('client.pem'),
    TEMPORAL_TLS_KEY: file('client.key'),
    TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
  });

  test("the API's client reaches Temporal with a client certificate", async () => {
    const client = await createTemporalClient(address, readStack().namespace, {
      security: temporalSecurity(loadConfig(env())),
      spans: false,
    });
    try {
      const info = await client.connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await client.connection.close();
    }
  });

  test("a worker's native connection reaches Temporal with the same settings", async () => {
    const connection = await NativeConnection.connect({ address, ...temporalSecurity(loadConfig(env())) });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await connection.close();
    }
  });

  test('without a client certificate the handshake is refused', async () => {
    const { TEMPORAL_TLS_CA, TEMPORAL_TLS_SERVER_NAME } = env();
    await expect(
      createTemporalClient(address, readStack().namespace, {
        security: temporalSecurity(loadConfig({ TEMPORAL_TLS_CA, TEMPORAL_TLS_SERVER_NAME })),
        spans: false,
      }),
    ).rejects.toThrow('Failed to connect before the deadline');
    // The client spoke TLS and trusted the server; the proxy refused it for want of a certificate.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((reason) => /peer did not return a certificate/.test(reason))).toBe(true);
  });
});
