import Router from '@koa/router';
import { EXACT_PATHS, type HttpState } from '../http-state.js';

export interface DiscoveryOptions {
  readonly issuer: string;
  readonly publicJwks: () => readonly object[];
  readonly signingAlgorithm: () => string;
}

/** JWKS and OpenID-style discovery, so resource servers verify tokens without sharing secrets. */
export function discoveryRoutes(options: DiscoveryOptions): Router<HttpState> {
  const router = new Router<HttpState>(EXACT_PATHS);

  router.get('/.well-known/jwks.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = { keys: options.publicJwks() };
  });

  router.get('/.well-known/openid-configuration', (ctx) => {
    const base = options.issuer.replace(/\/$/, '');
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = {
      issuer: options.issuer,
      jwks_uri: `${base}/.well-known/jwks.json`,
      token_endpoint: `${base}/auth/token`,
      revocation_endpoint: `${base}/auth/revoke`,
      userinfo_endpoint: `${base}/userinfo`,
      // Only what exists: no authorization endpoint, no ID tokens, public clients only.
      grant_types_supported: ['password', 'refresh_token'],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
      access_token_signing_alg_values_supported: [options.signingAlgorithm()],
      claims_supported: ['sub', 'email', 'email_verified', 'name', 'preferred_username', 'updated_at'],
    };
  });

  return router;
}
