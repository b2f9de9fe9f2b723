/** Temporal connection settings from the standard environment configuration (security finding 1). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config.js';
import { temporalConnectConfig } from '../../../src/temporal/connect-config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tls-'));
for (const f of ['ca.pem', 'client.pem', 'client.key']) writeFileSync(path.join(dir, f), `-----${f}-----`);
const base = {
  TEMPORAL_ADDRESS: 'temporal:7233',
  TEMPORAL_NAMESPACE: 'smog',
  NODE_ENV: 'production' as const,
};

describe('temporalConnectConfig', () => {
  it('mTLS from TEMPORAL_TLS_* paths: client pair, CA and server name', () => {
    const { connectionOptions, namespace } = temporalConnectConfig(base, {
      TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key'),
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
    });
    expect(namespace).toBe('smog');
    expect(connectionOptions.address).toBe('temporal:7233');
    const tls = connectionOptions.tls as {
      serverNameOverride: string;
      serverRootCACertificate: Uint8Array;
      clientCertPair: { crt: Uint8Array; key: Uint8Array };
    };
    expect(tls.serverNameOverride).toBe('temporal');
    expect(Buffer.from(tls.serverRootCACertificate).toString()).toBe('-----ca.pem-----');
    expect(Buffer.from(tls.clientCertPair.crt).toString()).toBe('-----client.pem-----');
    expect(Buffer.from(tls.clientCertPair.key).toString()).toBe('-----client.key-----');
  });

  it('a managed Temporal: TEMPORAL_API_KEY turns TLS on', () => {
    const { connectionOptions } = temporalConnectConfig(
      { ...base, TEMPORAL_ADDRESS: 'smog.a1b2c.tmprl.cloud:7233' },
      { TEMPORAL_API_KEY: 'key-123' },
    );
    expect(connectionOptions).toMatchObject({
      address: 'smog.a1b2c.tmprl.cloud:7233',
      apiKey: 'key-123',
      tls: true,
    });
  });

  it('refuses plaintext to a remote Temporal in production, unless TEMPORAL_TLS=false says so', () => {
    expect(() => temporalConnectConfig(base, {})).toThrow(ConfigError);
    expect(() => temporalConnectConfig(base, {})).toThrow(/temporal:7233 without TLS/);
    expect(temporalConnectConfig(base, { TEMPORAL_TLS: 'false' }).connectionOptions.tls).toBe(false);
    // loopback (the local stack) and development stay plaintext
    expect(
      temporalConnectConfig({ ...base, TEMPORAL_ADDRESS: '127.0.0.1:17233' }, {}).connectionOptions.tls,
    ).toBeUndefined();
    expect(temporalConnectConfig({ ...base, NODE_ENV: 'development' }, {}).connectionOptions).toEqual({
      address: 'temporal:7233',
    });
  });
});
