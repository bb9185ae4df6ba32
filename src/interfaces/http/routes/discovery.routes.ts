import { ok } from '../routing/responses.js';
import { defineRoute, type Route } from '../routing/route.js';
import { jwksResponse, openIdConfigurationResponse } from '../schemas/response.schemas.js';

export interface DiscoveryOptions {
  readonly issuer: string;
  readonly publicJwks: () => readonly object[];
  readonly signingAlgorithm: () => string;
}

const JWKS_PATH = '/.well-known/jwks.json';

/**
 * JWKS and OpenID-style discovery, so resource servers verify tokens without sharing secrets.
 * `pathOf` finds the endpoints' own declarations (at start-up: a missing one fails the start), so
 * the document cannot name a path no route has.
 */
export const discoveryRoutes = (
  options: DiscoveryOptions,
  pathOf: (operationId: string) => string,
): Route[] => {
  const [token, revocation, userinfo] = [pathOf('token'), pathOf('revoke'), pathOf('userInfo')];
  return [
    defineRoute({
      method: 'get',
      path: JWKS_PATH,
      access: 'anyone',
      operationId: 'jwks',
      summary: 'Public signing keys (current and still-valid previous ones)',
      tag: 'Discovery',
      responses: ok('The JSON Web Key Set.', jwksResponse),
      handler: (ctx) => {
        ctx.set('Cache-Control', 'public, max-age=300');
        ctx.body = { keys: options.publicJwks() };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/.well-known/openid-configuration',
      access: 'anyone',
      operationId: 'openIdConfiguration',
      summary: 'Discovery document',
      tag: 'Discovery',
      responses: ok('Issuer, endpoints, grant types and algorithms.', openIdConfigurationResponse),
      handler: (ctx) => {
        const base = options.issuer.replace(/\/$/, '');
        ctx.set('Cache-Control', 'public, max-age=300');
        ctx.body = {
          issuer: options.issuer,
          jwks_uri: base + JWKS_PATH,
          token_endpoint: base + token,
          revocation_endpoint: base + revocation,
          userinfo_endpoint: base + userinfo,
          // Only what exists: no authorization endpoint, no ID tokens, public clients only.
          grant_types_supported: ['password', 'refresh_token'],
          response_types_supported: [],
          token_endpoint_auth_methods_supported: ['none'],
          revocation_endpoint_auth_methods_supported: ['none'],
          access_token_signing_alg_values_supported: [options.signingAlgorithm()],
          claims_supported: ['sub', 'email', 'email_verified', 'name', 'preferred_username', 'updated_at'],
        };
      },
    }),
  ];
};
