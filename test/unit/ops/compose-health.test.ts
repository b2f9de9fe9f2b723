/** Every service of docker-compose.yml says how its health is known (a check, or disabled for a one-shot job). */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config.js';

/** The services of `docker-compose config` (normalised YAML) as name → their block of lines. */
function serviceBlocks(yaml: string): Record<string, string> {
  const services = yaml.split(/^services:\n/m)[1]?.split(/^\S/m)[0] ?? '';
  const out: Record<string, string> = {};
  for (const block of services.split(/^(?= {2}[a-z][\w-]*:\n)/m)) {
    const name = /^ {2}([a-z][\w-]*):/.exec(block)?.[1];
    if (name) out[name] = block;
  }
  return out;
}

describe('docker-compose healthchecks', () => {
  it('cover every service; long-running ones probe, one-shot jobs exit', () => {
    const yaml = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
      cwd: projectRoot,
      encoding: 'utf8',
      // compose has no default passwords (test/integration/deploy-security.test.ts)
      env: {
        ...process.env,
        POSTGRES_PASSWORD: 'a',
        SMOG_DB_PASSWORD: 'b',
        TEMPORAL_DB_PASSWORD: 'c',
        TEMPORAL_UI_PASSWORD: 'd',
      },
    });
    const services = serviceBlocks(yaml);
    expect(Object.keys(services).sort()).toEqual(
      expect.arrayContaining(['api', 'migrate', 'postgres', 'temporal', 'temporal-ui', 'worker']),
    );
    for (const [name, block] of Object.entries(services)) {
      expect(block, name).toMatch(/^ {4}healthcheck:/m);
      if (/restart: 'no'|restart: "no"|restart: no/.test(block))
        expect(block, name).toMatch(/test:\n {6}- NONE/);
      else expect(block, name).toMatch(/pg_isready|cluster|healthz|http:\/\/127\.0\.0\.1/);
    }
    expect(services.worker).toContain('18092/healthz');
  });
});
