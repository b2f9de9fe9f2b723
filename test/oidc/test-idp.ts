/**
 * A local identity provider for the tests: real OpenID Connect (the npm package `oidc-provider`,
 * certified by the OpenID Foundation) on a random loopback port, standing in for the bureau's
 * Keycloak/MaxKey. Its own sign-in page (用户名 / 密码) checks the passwords of the people it is given;
 * consent is implicit, as for a first-party client of a provincial identity system.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface IdpPerson {
  /** The login the person types; also `preferred_username`. */
  username: string;
  password: string;
  name: string;
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Adds (or replaces) a person who can sign in. */
  addPerson(p: IdpPerson): void;
  close(): Promise<void>;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginPage(uid: string, error?: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>统一身份认证</title></head>
<body><h1>省统一身份认证平台</h1>
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label>用户名 <input name="username" autocomplete="username"></label>
<label>密码 <input name="password" type="password" autocomplete="current-password"></label>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<button type="submit">登录</button></form></body></html>`;
}

/**
 * Starts the provider on 127.0.0.1 (a free port). `host` names it in its issuer URL: `localhost` makes
 * the provider another site than an app on 127.0.0.1, as a real identity provider is.
 */
export async function startTestIdp(opts: {
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  host?: string;
}): Promise<TestIdp> {
  const people = new Map<string, IdpPerson>();
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${opts.host ?? 'localhost'}:${port}`;
  const clientId = 'smog-console';
  const clientSecret = randomBytes(24).toString('base64url');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test' };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        post_logout_redirect_uris: opts.postLogoutRedirectUris ?? [],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    pkce: { required: () => true },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    features: {
      devInteractions: { enabled: false },
      // its own pages: the package's defaults load a web font from the Internet
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>退出登录</title></head>
<body><h1>是否退出统一身份认证？</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">退出</button></body></html>`;
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body =
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>已退出</body></html>';
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body><h1>认证出错</h1><pre>${escapeHtml(JSON.stringify(out))}</pre></body></html>`;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // a first-party client: the person is not asked to consent
    async loadExistingGrant(ctx) {
      const clientKey = ctx.oidc.client!.clientId;
      const existing = ctx.oidc.session!.grantIdFor(clientKey);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({
        clientId: clientKey,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, sub) {
      const p = people.get(sub);
      if (!p) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, name: p.name, preferred_username: p.username };
        },
      };
    },
  });
  const callback = provider.callback();

  handler = (req, res) => {
    const m = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '');
    if (!m) {
      callback(req, res);
      return;
    }
    (async () => {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(loginPage(details.uid));
        return;
      }
      const form = await formBody(req);
      const p = people.get(form.get('username') ?? '');
      if (!p || p.password !== form.get('password')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(loginPage(details.uid, '用户名或密码错误'));
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: p.username } },
        { mergeWithLastSubmission: false },
      );
    })().catch((err) => {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(String((err as Error).message));
    });
  };

  return {
    issuer,
    clientId,
    clientSecret,
    addPerson: (p) => people.set(p.username, p),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
