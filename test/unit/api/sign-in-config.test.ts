/**
 * Staff sign-in settings: the OIDC_* / SESSION_* / SIGNIN_* environment → the app's `signIn` options
 * (an unset compose variable, '', means absent), and the failed sign-in throttle's window.
 */
import { describe, expect, it } from 'vitest';
import { SignInThrottle } from '../../../src/api/sign-in-throttle.js';
import { signInOf } from '../../../src/api/server.js';
import { ConfigError, loadConfig } from '../../../src/config.js';

const base = { DATA_DIR: '.data-test-unused' };

describe('sign-in configuration', () => {
  it('maps the identity provider, the claims and the session settings', () => {
    const config = loadConfig({
      ...base,
      API_PUBLIC_URL: 'https://warn.example.gov.cn',
      OIDC_ISSUER_URL: 'https://id.example.gov.cn/realms/huanbao',
      OIDC_CLIENT_ID: 'smog-console',
      OIDC_CLIENT_SECRET: 's3cret',
      OIDC_SCOPES: 'openid profile email',
      OIDC_PRINCIPAL_CLAIM: 'employee_no',
      SESSION_IDLE_MINUTES: '20',
      SESSION_MAX_HOURS: '8',
      SIGNIN_FAILURES_MAX: '5',
    });
    expect(signInOf(config)).toEqual({
      oidc: {
        issuer: 'https://id.example.gov.cn/realms/huanbao',
        clientId: 'smog-console',
        clientSecret: 's3cret',
        scopes: 'openid profile email',
        principalClaim: 'employee_no',
        nameClaim: 'name',
        redirectUri: 'https://warn.example.gov.cn/auth/callback',
        providerName: '统一身份认证',
      },
      session: { idleMs: 20 * 60_000, maxMs: 8 * 3600_000, secure: true },
      failures: { max: 5, windowMs: 15 * 60_000 },
    });
  });

  it('has no identity provider when the variables are unset or empty (compose)', () => {
    const config = loadConfig({ ...base, OIDC_ISSUER_URL: '', OIDC_CLIENT_ID: '' });
    const signIn = signInOf(config);
    expect(signIn.oidc).toBeUndefined();
    expect(signIn.session).toEqual({ idleMs: 30 * 60_000, maxMs: 12 * 3600_000, secure: false });
  });

  it('refuses an issuer without a client id or a callback address', () => {
    expect(() => loadConfig({ ...base, OIDC_ISSUER_URL: 'https://id.example.gov.cn' })).toThrow(ConfigError);
    expect(() =>
      loadConfig({ ...base, OIDC_ISSUER_URL: 'https://id.example.gov.cn', OIDC_CLIENT_ID: 'c' }),
    ).toThrow(/OIDC_REDIRECT_URI or API_PUBLIC_URL/);
  });
});

describe('failed sign-in throttle', () => {
  it('blocks an address after max failures until the oldest leaves the window; others are free', () => {
    let now = 1_000_000;
    const t = new SignInThrottle({ max: 3, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(t.retryAfterSeconds('10.0.0.1')).toBe(0);
      t.fail('10.0.0.1');
      now += 10_000;
    }
    expect(t.retryAfterSeconds('10.0.0.1')).toBe(30);
    expect(t.retryAfterSeconds('10.0.0.2')).toBe(0);
    now += 30_000;
    expect(t.retryAfterSeconds('10.0.0.1')).toBe(0);
  });
});
