/**
 * The Temporal side door (security finding 1), checked on what compose would really run
 * (`docker-compose config`): no Temporal, UI or PostgreSQL port reachable from outside the compose
 * network except the UI's login proxy and the API on loopback; mTLS on the frontend, the clients
 * holding their own certificates; the UI read-only; no default passwords. And the embedded PostgreSQL
 * of the local stack with a generated password.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../../src/config.js';
import { passwordFileFor, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { freePort } from '../../src/tools/temporal-dev-server.js';

const SECRETS = {
  POSTGRES_PASSWORD: 'pg-secret-1',
  SMOG_DB_PASSWORD: 'smog-secret-2',
  TEMPORAL_DB_PASSWORD: 'temporal-secret-3',
  TEMPORAL_UI_PASSWORD: 'ui-secret-4',
};
type Service = {
  ports?: string[];
  networks?: Record<string, unknown> | string[];
  environment?: Record<string, string>;
  volumes?: string[];
};
function composeConfig(env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in SECRETS)));
  return execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('docker-compose.yml', () => {
  const config = parse(composeConfig(SECRETS)) as {
    services: Record<string, Service>;
    networks: Record<string, { internal?: boolean }>;
  };
  const s = config.services;
  const networksOf = (name: string) => {
    const n = s[name]?.networks ?? [];
    return Array.isArray(n) ? n : Object.keys(n);
  };

  it('publishes nothing but the API and the UI login proxy, both on loopback only', () => {
    const published = Object.entries(s).flatMap(([name, svc]) =>
      (svc.ports ?? []).map((p) => `${name} ${p}`),
    );
    expect(published.sort()).toEqual([
      'api 127.0.0.1:18080:18080/tcp',
      'temporal-ui-proxy 127.0.0.1:18233:8080/tcp',
    ]);
    for (const name of ['temporal', 'temporal-ui', 'postgres', 'temporal-schema', 'temporal-namespace']) {
      expect(s[name]?.ports, name).toBeUndefined();
      expect(networksOf(name), name).toEqual(['backend']);
    }
    expect(config.networks.backend?.internal).toBe(true);
  });

  it('the frontend requires client certificates of the deployment CA; API and worker present their own', () => {
    const t = s.temporal!.environment!;
    expect(t.TEMPORAL_TLS_REQUIRE_CLIENT_AUTH).toBe('true');
    expect(t).toMatchObject({
      TEMPORAL_TLS_FRONTEND_CERT: '/certs/temporal.pem',
      TEMPORAL_TLS_FRONTEND_KEY: '/certs/temporal.key',
      TEMPORAL_TLS_CLIENT1_CA_CERT: '/certs/ca.pem',
      TEMPORAL_TLS_CLIENT2_CA_CERT: '/certs/ca.pem',
    });
    for (const name of ['api', 'worker']) {
      expect(s[name]!.environment, name).toMatchObject({
        NODE_ENV: 'production',
        TEMPORAL_ADDRESS: 'temporal:7233',
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/certs/ca.pem',
        TEMPORAL_TLS_CLIENT_CERT_PATH: `/certs/${name}.pem`,
        TEMPORAL_TLS_CLIENT_KEY_PATH: `/certs/${name}.key`,
        DEV_SEED_PRINCIPALS: 'false',
      });
    }
    expect(s['temporal-ui']!.environment).toMatchObject({
      TEMPORAL_TLS_CERT: '/certs/ui.pem',
      TEMPORAL_TLS_KEY: '/certs/ui.key',
    });
    expect(s['temporal-namespace']!.environment!.TLS).toContain('--tls-cert-path /certs/admin.pem');
    // the CA's key is in a volume only the certificates service mounts
    const caMounts = Object.entries(s).filter(([, svc]) =>
      (svc.volumes ?? []).some((v) => v.startsWith('temporal-ca:')),
    );
    expect(caMounts.map(([n]) => n)).toEqual(['certs']);
    const script = readFileSync(path.join(projectRoot, 'deploy/certs.sh'), 'utf8');
    for (const c of ['temporal', 'api', 'worker', 'ui', 'admin'])
      expect(script).toMatch(new RegExp(`\\b${c}\\b`));
  });

  it('the UI is read-only and behind a login', () => {
    expect(s['temporal-ui']!.environment!.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
    const proxy = readFileSync(path.join(projectRoot, 'deploy/temporal-ui-proxy.conf'), 'utf8');
    expect(proxy).toContain('auth_basic_user_file /certs/ui.htpasswd;');
    expect(proxy).toContain('proxy_pass http://temporal-ui:8080;');
  });

  it('has no default password: compose refuses to start without each one, and uses the ones given', () => {
    for (const name of Object.keys(SECRETS)) {
      const { [name]: _, ...rest } = SECRETS as Record<string, string>;
      expect(() => composeConfig(rest), name).toThrow(new RegExp(`set ${name}`));
    }
    expect(s.postgres!.environment!.POSTGRES_PASSWORD).toBe('pg-secret-1');
    expect(s.temporal!.environment!.POSTGRES_PWD).toBe('temporal-secret-3');
    expect(s.api!.environment!.DATABASE_URL).toBe('postgres://smog:smog-secret-2@postgres:5432/smog');
    const init = readFileSync(path.join(projectRoot, 'deploy/postgres-init.sh'), 'utf8');
    expect(init).not.toMatch(/PASSWORD '(smog|temporal|postgres)'/);
  });
});

describe('embedded PostgreSQL', () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'pg-cred-'));
  chmodSync(parent, 0o755); // as root the server runs as `postgres`, which must reach its data
  const dir = path.join(parent, 'pg');
  let stop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stop?.();
  });

  it('gets a generated password (kept 0600 next to its data); the default one is refused', async () => {
    const port = await freePort();
    const db = await startEmbeddedPostgres({ databaseDir: dir, port });
    stop = db.stop;
    const password = readFileSync(passwordFileFor(dir), 'utf8').trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(passwordFileFor(dir)).mode & 0o777).toBe(0o600);
    expect(db.url).toBe(`postgres://postgres:${password}@127.0.0.1:${port}/smog`);
    const ok = new pg.Client({ connectionString: db.url });
    await ok.connect();
    expect((await ok.query('SELECT current_user AS u')).rows[0].u).toBe('postgres');
    await ok.end();
    const guess = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/smog` });
    await expect(guess.connect()).rejects.toThrow(/password authentication failed/);
  }, 120_000);
});
