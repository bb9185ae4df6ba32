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
      userinfo_endpoint: `${base}/users/me`,
      grant_types_supported: ['password', 'refresh_token'],
      response_types_supported: ['token'],
      token_endpoint_auth_methods_supported: ['none'],
      id_token_signing_alg_values_supported: [options.signingAlgorithm()],
      access_token_signing_alg_values_supported: [options.signingAlgorithm()],
      subject_types_supported: ['public'],
      scopes_supported: [],
    };
  });

  return router;
}
