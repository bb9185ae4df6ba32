import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { Logger as PinoLogger } from 'pino';
import { ACCESS_TOKEN_SERVICE, REFRESH_TOKEN_CODEC } from '../application/ports/token-service.port.js';
import { AUTH_SETTINGS, type AuthSettings } from '../application/ports/auth-settings.port.js';
import { CLOCK } from '../application/ports/clock.port.js';
import { EVENT_STORE } from '../application/ports/event-store.port.js';
import { ID_GENERATOR } from '../application/ports/id-generator.port.js';
import { LOGGER } from '../application/ports/logger.port.js';
import { LOGIN_ATTEMPT_READ_MODEL } from '../application/ports/login-attempt-read-model.port.js';
import { PASSWORD_HASHER } from '../application/ports/password-hasher.port.js';
import { RATE_LIMITER } from '../application/ports/rate-limiter.port.js';
import { READ_MODEL_SYNC } from '../application/ports/read-model-sync.port.js';
import { SESSION_READ_MODEL } from '../application/ports/session-read-model.port.js';
import { SESSION_REVOCATIONS } from '../application/ports/session-revocations.port.js';
import { USER_READ_MODEL } from '../application/ports/user-read-model.port.js';
import {
  loginAttemptsProjection,
  sessionsProjection,
  usersProjection,
} from '../application/projections/index.js';
import type { Config } from './config/config.js';
import { SECRET_BOX } from '../application/ports/secret-box.port.js';
import { AesGcmSecretBox } from './crypto/aes-gcm-secret-box.js';
import { BcryptPasswordHasher } from './crypto/bcrypt-password-hasher.js';
import { loadMasterKey } from './crypto/master-key.js';
import { OpaqueRefreshTokenCodec } from './crypto/refresh-token-codec.js';
import { AuthMetrics } from './metrics/auth-metrics.js';
import { InstrumentedEventStore } from './metrics/instrumented-event-store.js';
import { InstrumentedPasswordHasher } from './metrics/instrumented-password-hasher.js';
import { registerProjectionGauges } from './metrics/projection-gauges.js';
import { bind, ProjectionRunner } from './projections/projection-runner.js';
import type { Storage } from './runtime/storage.js';
import { RevocationList } from './sessions/revocation-list.js';
import { CryptoIdGenerator } from './system/crypto-id-generator.js';
import { SystemClock } from './system/system-clock.js';
import { JoseAccessTokenService } from './tokens/jose-access-token-service.js';
import { SigningKeyRing } from './tokens/signing-key-ring.js';

const CLOCK_TOLERANCE_SECONDS = 5;

export interface Wiring {
  readonly container: DependencyContainer;
  readonly runner: ProjectionRunner;
  readonly revocations: RevocationList;
  readonly keyRing: SigningKeyRing;
  readonly hasher: BcryptPasswordHasher;
  /** This runtime's Prometheus registry and instruments (served at /metrics). */
  readonly metrics: AuthMetrics;
}

/** The one place ports meet adapters. Use cases are resolved from the returned container. */
export async function wire(config: Config, storage: Storage, logger: PinoLogger): Promise<Wiring> {
  const clock = new SystemClock();
  const settings: AuthSettings = {
    accessTokenTtlSeconds: config.accessTokenTtl,
    refreshTokenTtlSeconds: config.refreshTokenTtl,
    lockout: config.lockout,
  };
  // Metrics wrap adapters, never use cases: the appended events and the bcrypt calls say it all.
  const metrics = new AuthMetrics();
  const secretBox = new AesGcmSecretBox(await loadMasterKey(config, logger));
  const keyRing = await SigningKeyRing.open(storage.signingKeys, {
    algorithm: config.jwtAlgorithm,
    hmacSecret: config.hmacSecret,
    retiredKeyGraceSeconds: config.accessTokenTtl + CLOCK_TOLERANCE_SECONDS,
    now: () => clock.now(),
    secretBox,
    onRefusedKey: (kid, reason) => {
      metrics.signingKeysRefused.inc();
      logger.error({ kid, reason }, 'refused a stored signing key not written under the master key');
    },
  });
  const hasher = new BcryptPasswordHasher(config.bcryptCost);
  const runner = new ProjectionRunner(
    storage.eventStore,
    [
      bind(usersProjection, storage.users),
      bind(sessionsProjection, storage.sessions),
      bind(loginAttemptsProjection, storage.loginAttempts),
    ],
    // Generous: on FerretDB every read-model query is a scan, and a stale answer is worse than a slow one.
    { logger, defaultWaitMs: 5000 },
  );
  const revocations = new RevocationList((config.accessTokenTtl + 60) * 1000, () => clock.now());
  registerProjectionGauges(metrics, runner, storage.eventStore);

  const container = rootContainer.createChildContainer();
  container.register(LOGGER, { useValue: logger });
  container.register(CLOCK, { useValue: clock });
  container.register(SECRET_BOX, { useValue: secretBox });
  container.register(ID_GENERATOR, { useValue: new CryptoIdGenerator() });
  container.register(AUTH_SETTINGS, { useValue: settings });
  container.register(EVENT_STORE, { useValue: new InstrumentedEventStore(storage.eventStore, metrics) });
  container.register(USER_READ_MODEL, { useValue: storage.users });
  container.register(SESSION_READ_MODEL, { useValue: storage.sessions });
  container.register(LOGIN_ATTEMPT_READ_MODEL, { useValue: storage.loginAttempts });
  container.register(RATE_LIMITER, { useValue: storage.rateLimiter });
  container.register(READ_MODEL_SYNC, { useValue: runner });
  container.register(SESSION_REVOCATIONS, { useValue: revocations });
  container.register(PASSWORD_HASHER, { useValue: new InstrumentedPasswordHasher(hasher, metrics) });
  container.register(REFRESH_TOKEN_CODEC, { useValue: new OpaqueRefreshTokenCodec() });
  container.register(ACCESS_TOKEN_SERVICE, {
    useValue: new JoseAccessTokenService(keyRing, {
      issuer: config.issuer,
      audience: config.audience,
      ttlSeconds: config.accessTokenTtl,
      clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
    }),
  });
  return { container, runner, revocations, keyRing, hasher, metrics };
}
