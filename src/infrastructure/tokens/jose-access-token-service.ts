import { errors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { randomUUID } from 'node:crypto';
import type {
  AccessTokenClaims,
  AccessTokenInspection,
  AccessTokenService,
  IssuedAccessToken,
  VerifiedAccessToken,
} from '../../application/ports/token-service.port.js';
import { isRole } from '../../domain/user/role.js';
import type { SigningKeyRing } from './signing-key-ring.js';

export interface AccessTokenOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
  /** `client_id` when the request named none (JWT_CLIENT_ID; default `auth-service`). */
  readonly defaultClientId?: string;
  readonly clockToleranceSeconds?: number;
  /** Verified tokens remembered (by their exact text) until they expire. Default 10,000; 0 = none. */
  readonly verifiedCacheSize?: number;
}

/** RFC 9068 access tokens: `typ: at+jwt`, `kid`, iss/aud/sub/client_id/sid/role/auth_time/amr/iat/exp/jti. */
export class JoseAccessTokenService implements AccessTokenService {
  /**
   * A client sends the same access token with every request for its lifetime, and the signature
   * check is most of an authenticated request's CPU (bench 2). Remembering a token that verified,
   * keyed by its exact bytes, skips only the work whose answer cannot change before `exp`; the
   * revocation check still runs on every request. Failures are never cached.
   */
  private readonly verified: LRUCache<string, { token: VerifiedAccessToken; kid: string }> | null;

  constructor(
    private readonly keys: SigningKeyRing,
    private readonly options: AccessTokenOptions,
  ) {
    const max = options.verifiedCacheSize ?? 10_000;
    // The wall clock, as the expiry it counts down to is one (and jose checks `exp` against it).
    this.verified = max > 0 ? new LRUCache({ max, ttlAutopurge: false, perf: Date }) : null;
  }

  async issue(claims: AccessTokenClaims, now: Date): Promise<IssuedAccessToken> {
    const key = this.keys.current();
    const jti = randomUUID();
    const iat = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({
      client_id: claims.clientId ?? this.defaultClientId(),
      sid: claims.sessionId,
      role: claims.role,
      auth_time: Math.floor(claims.authTime.getTime() / 1000),
      amr: [...(claims.amr ?? ['pwd'])],
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(claims.userId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.options.ttlSeconds)
      .setJti(jti)
      .sign(key.signingKey);
    return { token, expiresIn: this.options.ttlSeconds, jti };
  }

  async verify(token: string): Promise<VerifiedAccessToken | null> {
    const inspected = await this.inspect(token);
    return 'token' in inspected ? inspected.token : null;
  }

  async inspect(token: string): Promise<AccessTokenInspection> {
    if (token.length === 0 || token.length > 4096) return { rejected: 'invalid' };
    const known = this.verified?.get(token);
    // A key removed from the store (or retired) stops verifying its cached tokens too.
    if (known !== undefined && this.keys.verifies(known.kid)) return { token: known.token };
    const result = await this.verifySignedToken(token);
    if ('rejected' in result) return result;
    if (this.verified !== null) {
      const ttl = result.token.expiresAt.getTime() + this.toleranceMs() - Date.now();
      if (ttl > 0) this.verified.set(token, result, { ttl });
    }
    return { token: result.token };
  }

  private defaultClientId(): string {
    return this.options.defaultClientId ?? 'auth-service';
  }

  private toleranceMs(): number {
    return (this.options.clockToleranceSeconds ?? 5) * 1000;
  }

  private async verifySignedToken(
    token: string,
  ): Promise<{ token: VerifiedAccessToken; kid: string } | { rejected: 'invalid' | 'expired' }> {
    try {
      const { payload, protectedHeader } = await jwtVerify(
        token,
        async (header) => {
          const key = await this.keys.verificationKey(header.kid);
          if (key === null) throw new Error('unknown key');
          return key;
        },
        {
          issuer: this.options.issuer,
          audience: this.options.audience,
          algorithms: [this.keys.algorithm],
          typ: 'at+jwt',
          clockTolerance: this.options.clockToleranceSeconds ?? 5,
          requiredClaims: ['sub', 'sid', 'role', 'jti', 'iat', 'exp'],
        },
      );
      const { sub, sid, role, jti, iat, exp, client_id, auth_time, amr } = payload;
      if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string' || !isRole(role))
        return { rejected: 'invalid' };
      if (iat === undefined || exp === undefined) return { rejected: 'invalid' };
      return {
        kid: protectedHeader.kid ?? '',
        token: {
          // Tokens signed before the claim existed carry none: they were the default client's.
          clientId: typeof client_id === 'string' ? client_id : this.defaultClientId(),
          userId: sub,
          sessionId: sid,
          role,
          // Tokens signed before the claim existed never count as a recent password proof.
          authTime: new Date(typeof auth_time === 'number' ? auth_time * 1000 : 0),
          amr: Array.isArray(amr) ? amr.filter((m): m is string => typeof m === 'string') : ['pwd'],
          jti,
          issuedAt: new Date(iat * 1000),
          expiresAt: new Date(exp * 1000),
        },
      };
    } catch (error) {
      // jose checks the signature before the claims: an expired token was genuinely ours.
      return { rejected: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}
