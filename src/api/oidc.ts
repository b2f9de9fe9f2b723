/**
 * Sign-in of staff at the bureau's identity provider by OpenID Connect (authorization code + PKCE, with
 * state and nonce), through `openid-client`: the authorization URL, the code exchange with the ID
 * token's checks, and the person's claims (ID token, else UserInfo) mapped to a principal id and a name.
 * Keycloak or MaxKey alike: only the issuer URL, the client and the claim names are configured.
 */
import * as client from 'openid-client';

export interface OidcSettings {
  /** Issuer URL (discovery at `${issuer}/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  /** Absent: a public client (PKCE alone). */
  clientSecret?: string;
  /** Space-separated; `openid` is always asked. */
  scopes: string;
  /** The claim whose value is the principal's id in the principal store. */
  principalClaim: string;
  /** The claim with the person's name. */
  nameClaim: string;
  /** This API's callback, as registered at the identity provider (…/auth/callback). */
  redirectUri: string;
  /** The sign-in button's label. */
  providerName: string;
}

/** What a sign-in under way must remember between the redirect and the callback. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface SignedInPerson {
  issuer: string;
  subject: string;
  /** The mapped claim's value, as a principal id (lower case). */
  principalId: string;
  name: string;
  idToken?: string;
}

/** A sign-in that fails for a reason the person can be told (code of src/api/problems.ts). */
export class SignInError extends Error {
  constructor(
    readonly code: 'signin_failed' | 'signin_not_registered',
    message: string,
  ) {
    super(message);
  }
}

const isLoopbackHttp = (url: string) =>
  /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(url);

export class OidcSignIn {
  private configuration: Promise<client.Configuration> | undefined;

  constructor(readonly settings: OidcSettings) {}

  /** The provider's metadata, discovered once (again after a failure). Plain http only on loopback (tests). */
  private config(): Promise<client.Configuration> {
    if (!this.configuration) {
      const s = this.settings;
      this.configuration = client
        .discovery(
          new URL(s.issuer),
          s.clientId,
          s.clientSecret,
          s.clientSecret ? client.ClientSecretBasic(s.clientSecret) : client.None(),
          isLoopbackHttp(s.issuer) ? { execute: [client.allowInsecureRequests] } : undefined,
        )
        .catch((err) => {
          this.configuration = undefined;
          throw err;
        });
    }
    return this.configuration;
  }

  /** A new sign-in: where to send the browser, and what to keep until the callback. */
  async start(): Promise<{ url: string; pending: PendingSignIn }> {
    const config = await this.config();
    const pending: PendingSignIn = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const scopes = new Set(['openid', ...this.settings.scopes.split(/\s+/).filter(Boolean)]);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: [...scopes].join(' '),
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /** The callback: exchanges the code (checking state, nonce, PKCE and the ID token) and reads the person. */
  async finish(callbackUrl: URL, pending: PendingSignIn): Promise<SignedInPerson> {
    const config = await this.config();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new SignInError('signin_failed', `code exchange refused: ${(err as Error).message}`);
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw new SignInError('signin_failed', 'no ID token');
    let claims: Record<string, unknown> = { ...idClaims };
    const { principalClaim, nameClaim } = this.settings;
    if (claims[principalClaim] === undefined || claims[nameClaim] === undefined) {
      // Keycloak puts profile claims in the ID token; other providers only answer them at UserInfo
      const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub).catch((err) => {
        throw new SignInError('signin_failed', `UserInfo refused: ${(err as Error).message}`);
      });
      claims = { ...info, ...claims };
    }
    const raw = claims[principalClaim];
    if (typeof raw !== 'string' || raw.trim() === '') {
      throw new SignInError('signin_not_registered', `the ID token has no claim ${principalClaim}`);
    }
    const name = claims[nameClaim];
    return {
      issuer: String(idClaims.iss),
      subject: idClaims.sub,
      principalId: raw.trim().toLowerCase(),
      name: typeof name === 'string' ? name : '',
      ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
    };
  }

  /** The provider's sign-out URL (RP-initiated logout), or null when it has none. */
  async endSessionUrl(idToken: string | null, postLogoutRedirectUri: string): Promise<string | null> {
    const config = await this.config();
    if (!config.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(config, {
      post_logout_redirect_uri: postLogoutRedirectUri,
      client_id: this.settings.clientId,
      ...(idToken ? { id_token_hint: idToken } : {}),
    }).href;
  }
}
