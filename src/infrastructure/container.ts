import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { Logger as PinoLogger } from 'pino';
import { ACCESS_TOKEN_SERVICE, REFRESH_TOKEN_CODEC } from '../application/ports/token-service.port.js';
import { AUTH_SETTINGS, type AuthSettings } from '../application/ports/auth-settings.port.js';
import { DEVICE_TOKEN_CODEC } from '../application/ports/device-token.port.js';
import { ExpirePersonalData } from '../application/privacy/expire-personal-data.use-case.js';
import { CLOCK } from '../application/ports/clock.port.js';
import { CommandHandler } from '../application/command-handler.js';
import { EVENT_STORE } from '../application/ports/event-store.port.js';
import { ID_GENERATOR } from '../application/ports/id-generator.port.js';
import { INSTANCE_ID } from '../application/instance-id.js';
import { LOGGER } from '../application/ports/logger.port.js';
import { LOGIN_ATTEMPT_READ_MODEL } from '../application/ports/login-attempt-read-model.port.js';
import { PASSWORD_HASHER, type PasswordHasher } from '../application/ports/password-hasher.port.js';
import { PASSWORD_SCREENING } from '../application/ports/password-screening.port.js';
import { passwordScreening } from './passwords/password-screening.js';
import { RATE_LIMITER, type RateLimiter } from '../application/ports/rate-limiter.port.js';
import { READ_MODEL_SYNC } from '../application/ports/read-model-sync.port.js';
import { SESSION_READ_MODEL } from '../application/ports/session-read-model.port.js';
import { SESSION_REVOCATIONS } from '../application/ports/session-revocations.port.js';
import { USER_READ_MODEL } from '../application/ports/user-read-model.port.js';
import {
  loginAttemptsProjection,
  sessionsProjection,
  usersProjection,
  webhooksProjection,
  mailOutboxProjection,
} from '../application/projections/index.js';
import { WEBHOOK_READ_MODEL } from '../application/ports/webhook-read-model.port.js';
import {
  WEBHOOK_CLIENT,
  WEBHOOK_SETTINGS,
  type WebhookSettings,
} from '../application/ports/webhook-client.port.js';
import { ManageWebhooks } from '../application/webhooks/manage-webhooks.use-case.js';
import { NodeWebhookClient } from './webhooks/node-webhook-client.js';
import { AdministerUsers } from '../application/admin/administer-users.use-case.js';
import { BootstrapAdmin } from '../application/admin/bootstrap-admin.use-case.js';
import { LoginHistory } from '../application/admin/login-history.use-case.js';
import { AuditCheckpoints } from '../application/audit/audit-checkpoints.use-case.js';
import { Authenticate } from '../application/auth/authenticate.use-case.js';
import { LogIn } from '../application/auth/log-in.use-case.js';
import { LogOut } from '../application/sessions/log-out.use-case.js';
import { RefreshSession } from '../application/sessions/refresh-session.use-case.js';
import { UserSessions } from '../application/sessions/user-sessions.use-case.js';
import type { UseCases } from '../application/use-cases.js';
import { ChangePassword } from '../application/users/change-password.use-case.js';
import { GetCurrentUser } from '../application/users/get-current-user.use-case.js';
import { RegisterUser } from '../application/users/register-user.use-case.js';
import { UpdateProfile } from '../application/users/update-profile.use-case.js';
import { EraseUser } from '../application/users/erase-user.use-case.js';
import { AccountRecords } from '../application/users/account-records.use-case.js';
import { CompleteMfaLogin } from '../application/mfa/complete-mfa-login.use-case.js';
import { ManageMfa } from '../application/mfa/manage-mfa.use-case.js';
import { ForgotPassword } from '../application/recovery/forgot-password.use-case.js';
import { ResetPassword } from '../application/recovery/reset-password.use-case.js';
import { EmailVerification } from '../application/recovery/verify-email.use-case.js';
import { MAIL_OUTBOX } from '../application/ports/mail-outbox.port.js';
import { MAIL_TOKEN_CODEC } from '../application/ports/mail-token.port.js';
import {
  MAIL_SETTINGS,
  MAIL_TRANSPORT,
  type MailSettings,
  type MailTransport,
} from '../application/ports/mail-transport.port.js';
import { OpaqueMailTokenCodec } from './crypto/mail-token-codec.js';
import { FileMailTransport } from './mail/file-mail-transport.js';
import { SmtpMailTransport } from './mail/smtp-mail-transport.js';
import path from 'node:path';
import { FIELD_SEALER } from '../application/ports/field-sealer.port.js';
import { MFA_CODES } from '../application/ports/mfa-codes.port.js';
import { TOTP_AUTHENTICATOR } from '../application/ports/totp.port.js';
import { MasterKeyFieldSealer } from './crypto/master-key-field-sealer.js';
import { OpaqueMfaCodes } from './crypto/mfa-codes.js';
import { OtpauthTotp, totpIssuerOf } from './crypto/otpauth-totp.js';
import type { Config } from './config/config.js';
import { SECRET_BOX } from '../application/ports/secret-box.port.js';
import { KEYED_HASH } from '../application/ports/keyed-hash.port.js';
import { PERSONAL_DATA_KEYS } from '../application/ports/personal-data.port.js';
import { HmacKeyedHash } from './crypto/hmac-keyed-hash.js';
import { BcryptPasswordHasher } from './crypto/bcrypt-password-hasher.js';
import { ScryptTestPasswordHasher } from './crypto/scrypt-test-password-hasher.js';
import { LoginAttempts } from '../application/auth/login-attempts.js';
import { Reauthenticate } from '../application/auth/reauthenticate.use-case.js';
import { OpaqueDeviceTokenCodec } from './crypto/device-token-codec.js';
import { OpaqueRefreshTokenCodec } from './crypto/refresh-token-codec.js';
import { AuthMetrics } from './metrics/auth-metrics.js';
import { InstrumentedEventStore } from './metrics/instrumented-event-store.js';
import { InstrumentedPasswordHasher } from './metrics/instrumented-password-hasher.js';
import { registerProjectionGauges } from './metrics/projection-gauges.js';
import { EventFeed } from '../application/admin/event-feed.js';
import { LogFollower } from './log-follower/log-follower.js';
import { bind } from './log-follower/read-model-batch.js';
import { ReadModels } from './log-follower/read-models.js';
import type { Storage } from './runtime/storage.js';
import { RevocationList } from './sessions/revocation-list.js';
import { CryptoIdGenerator } from './system/crypto-id-generator.js';
import { SystemClock } from './system/system-clock.js';
import { JoseAccessTokenService } from './tokens/jose-access-token-service.js';
import { SigningKeyRing } from './tokens/signing-key-ring.js';

const CLOCK_TOLERANCE_SECONDS = 5;
/** Live event streams per instance: each holds a socket and reads the log on every wake-up. */
const MAX_EVENT_STREAMS = 32;

export interface Wiring {
  readonly container: DependencyContainer;
  /** The one reader of the event log in this process; its consumers are added here and at start. */
  readonly follower: LogFollower;
  readonly readModels: ReadModels;
  readonly revocations: RevocationList;
  readonly keyRing: SigningKeyRing;
  readonly hasher: PasswordHasher;
  /** This runtime's Prometheus registry and instruments (served at /metrics). */
  readonly metrics: AuthMetrics;
  readonly useCases: UseCases;
  /** Where mail goes: SMTP_URL's relay, or `.eml` files in DATA_DIR/mail. */
  readonly mailTransport: MailTransport;
}

const resolveUseCases = (container: DependencyContainer, eventFeed: EventFeed): UseCases => ({
  register: container.resolve(RegisterUser),
  logIn: container.resolve(LogIn),
  refresh: container.resolve(RefreshSession),
  reauthenticate: container.resolve(Reauthenticate),
  logOut: container.resolve(LogOut),
  authenticate: container.resolve(Authenticate),
  currentUser: container.resolve(GetCurrentUser),
  updateProfile: container.resolve(UpdateProfile),
  changePassword: container.resolve(ChangePassword),
  eraseUser: container.resolve(EraseUser),
  accountRecords: container.resolve(AccountRecords),
  sessions: container.resolve(UserSessions),
  loginHistory: container.resolve(LoginHistory),
  administerUsers: container.resolve(AdministerUsers),
  operator: container.resolve(BootstrapAdmin),
  auditCheckpoints: container.resolve(AuditCheckpoints),
  webhooks: container.resolve(ManageWebhooks),
  completeMfaLogin: container.resolve(CompleteMfaLogin),
  mfa: container.resolve(ManageMfa),
  forgotPassword: container.resolve(ForgotPassword),
  resetPassword: container.resolve(ResetPassword),
  emailVerification: container.resolve(EmailVerification),
  expirePersonalData: container.resolve(ExpirePersonalData),
  eventFeed,
});

/** The one place ports meet adapters. Use cases are resolved from the returned container. */
export async function wire(config: Config, storage: Storage, logger: PinoLogger): Promise<Wiring> {
  const clock = new SystemClock();
  const settings: AuthSettings = {
    accessTokenTtlSeconds: config.accessTokenTtl,
    refreshTokenTtlSeconds: config.refreshTokenTtl,
    sessionMaxLifetimeSeconds: config.sessionMaxLifetime,
    refreshReuseGraceSeconds: config.refreshReuseGrace,
    reauthWindowSeconds: config.reauthWindow,
    personalDataRetentionSeconds: config.auditPiiRetention,
    lockout: config.lockout,
  };
  // Metrics wrap adapters, never use cases: the appended events and the bcrypt calls say it all.
  const metrics = new AuthMetrics();
  const secretBox = storage.secretBox;
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
  const hasher: PasswordHasher =
    config.passwordHasher === 'scrypt-test'
      ? new ScryptTestPasswordHasher()
      : new BcryptPasswordHasher(config.bcryptCost);
  const follower = new LogFollower(storage.eventStore, { logger });
  const readModels = new ReadModels(
    follower,
    storage.eventStore,
    [
      bind(usersProjection, storage.users),
      bind(sessionsProjection, storage.sessions),
      bind(loginAttemptsProjection, storage.loginAttempts),
      bind(webhooksProjection, storage.webhooks),
      bind(mailOutboxProjection, storage.mailOutbox),
    ],
    // Generous: on FerretDB every read-model query is a scan, and a stale answer is worse than a slow one.
    { logger, defaultWaitMs: 5000 },
  );
  const revocations = new RevocationList(
    (config.accessTokenTtl + 60) * 1000,
    () => clock.now(),
    config.revocationStalenessLimitSeconds * 1000,
  );
  registerProjectionGauges(metrics, readModels, storage.eventStore);

  const container = rootContainer.createChildContainer();
  container.register(LOGGER, { useValue: logger });
  container.register(CLOCK, { useValue: clock });
  container.register(SECRET_BOX, { useValue: secretBox });
  const keyedHash = new HmacKeyedHash(storage.masterKey);
  container.register(KEYED_HASH, { useValue: keyedHash });
  container.register(PERSONAL_DATA_KEYS, { useValue: storage.dataKeys });
  // TOTP secrets are sealed under the master key, bound to their purpose and user.
  container.register(FIELD_SEALER, { useValue: new MasterKeyFieldSealer(secretBox) });
  container.register(TOTP_AUTHENTICATOR, { useValue: new OtpauthTotp(totpIssuerOf(config.issuer)) });
  container.register(MFA_CODES, { useValue: new OpaqueMfaCodes() });
  const ids = new CryptoIdGenerator();
  container.register(ID_GENERATOR, { useValue: ids });
  container.register(INSTANCE_ID, { useValue: ids.uuid() });
  container.register(AUTH_SETTINGS, { useValue: settings });
  const eventStore = new InstrumentedEventStore(storage.eventStore, metrics);
  container.register(EVENT_STORE, { useValue: eventStore });
  // One per container: every use case shares the stream-state cache.
  container.register(CommandHandler, { useValue: new CommandHandler(eventStore) });
  container.register(USER_READ_MODEL, { useValue: storage.users });
  container.register(SESSION_READ_MODEL, { useValue: storage.sessions });
  container.register(LOGIN_ATTEMPT_READ_MODEL, { useValue: storage.loginAttempts });
  // Its keys name client addresses and mailboxes: stored (MongoDB) as keyed hashes only.
  container.register(RATE_LIMITER, {
    useValue: {
      consume: (action, key) => storage.rateLimiter.consume(action, keyedHash.digest(`rate-${action}`, key)),
    } satisfies RateLimiter,
  });
  container.register(READ_MODEL_SYNC, { useValue: readModels });
  container.register(SESSION_REVOCATIONS, { useValue: revocations });
  container.register(PASSWORD_SCREENING, { useValue: passwordScreening(config, logger) });
  container.register(PASSWORD_HASHER, { useValue: new InstrumentedPasswordHasher(hasher, metrics) });
  container.register(REFRESH_TOKEN_CODEC, { useValue: new OpaqueRefreshTokenCodec() });
  container.register(DEVICE_TOKEN_CODEC, { useValue: new OpaqueDeviceTokenCodec() });
  container.register(ACCESS_TOKEN_SERVICE, {
    useValue: new JoseAccessTokenService(keyRing, {
      issuer: config.issuer,
      audience: config.audience,
      defaultClientId: config.clientId,
      ttlSeconds: config.accessTokenTtl,
      clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
    }),
  });
  container.register(WEBHOOK_READ_MODEL, { useValue: storage.webhooks });
  container.register(WEBHOOK_CLIENT, {
    useValue: new NodeWebhookClient({
      allowPrivate: config.webhooks.allowPrivate,
      timeoutMs: config.webhooks.timeoutSeconds * 1000,
    }),
  });
  const webhookSettings: WebhookSettings = {
    retryBaseSeconds: config.webhooks.retryBaseSeconds,
    maxRetrySeconds: 3600,
    disableAfterSeconds: config.webhooks.disableAfterSeconds,
    timeoutSeconds: config.webhooks.timeoutSeconds,
  };
  container.register(WEBHOOK_SETTINGS, { useValue: webhookSettings });
  const mailSettings: MailSettings = {
    from: config.mail.from,
    publicUrl: config.mail.publicUrl,
    productName: config.mail.productName,
    resetTtlSeconds: config.mail.resetTtlSeconds,
    verificationTtlSeconds: config.mail.verificationTtlSeconds,
    verificationRequired: config.mail.verificationRequired,
    retryBaseSeconds: config.mail.retryBaseSeconds,
  };
  const mailTransport: MailTransport =
    config.mail.smtpUrl !== undefined
      ? new SmtpMailTransport(config.mail.smtpUrl)
      : new FileMailTransport(path.join(config.dataDir, 'mail'));
  container.register(MAIL_SETTINGS, { useValue: mailSettings });
  container.register(MAIL_TRANSPORT, { useValue: mailTransport });
  container.register(MAIL_OUTBOX, { useValue: storage.mailOutbox });
  container.register(MAIL_TOKEN_CODEC, { useValue: new OpaqueMailTokenCodec() });
  // The live event stream reads the log in pages, then waits on the follower's wake-ups.
  const eventFeed = new EventFeed(storage.eventStore, follower, {
    heartbeatMs: config.eventStreamHeartbeatSeconds * 1000,
    maxStreams: MAX_EVENT_STREAMS,
    pageSize: 200,
  });
  // One instance holds the refusal counts of the current minute (flushed by the runtime).
  container.registerSingleton(LoginAttempts);
  return {
    container,
    follower,
    readModels,
    revocations,
    keyRing,
    hasher,
    metrics,
    useCases: resolveUseCases(container, eventFeed),
    mailTransport,
  };
}
