import { mkdir } from 'node:fs/promises';
import { backoffCeiling, sleep, type BackoffPolicy } from '../../application/concurrency/backoff.js';
import { guardedByMongo } from '../mongo/unavailable.js';
import path from 'node:path';
import type { Db, MongoClient } from 'mongodb';
import type { EventStore } from '../../application/ports/event-store.port.js';
import type { Logger } from '../../application/ports/logger.port.js';
import type { LoginAttemptReadModel } from '../../application/ports/login-attempt-read-model.port.js';
import type { RateLimiter } from '../../application/ports/rate-limiter.port.js';
import type { SessionReadModel } from '../../application/ports/session-read-model.port.js';
import type { UserReadModel } from '../../application/ports/user-read-model.port.js';
import type { MailOutbox } from '../../application/ports/mail-outbox.port.js';
import type { WebhookReadModel } from '../../application/ports/webhook-read-model.port.js';
import type { Config } from '../config/config.js';
import { MongoEventStore } from '../event-store/mongo-event-store.js';
import { SqliteEventStore } from '../event-store/sqlite-event-store.js';
import { connectMongo } from '../mongo/mongo-connection.js';
import { InMemoryRateLimiter } from '../rate-limiting/in-memory-rate-limiter.js';
import { MongoRateLimiter } from '../rate-limiting/mongo-rate-limiter.js';
import { MongoLoginAttemptReadModel } from '../read-models/mongo/mongo-login-attempt-read-model.js';
import { MongoSessionReadModel } from '../read-models/mongo/mongo-session-read-model.js';
import { MongoUserReadModel } from '../read-models/mongo/mongo-user-read-model.js';
import { MongoMailOutbox } from '../read-models/mongo/mongo-mail-outbox.js';
import { MongoWebhookReadModel } from '../read-models/mongo/mongo-webhook-read-model.js';
import { SqliteLoginAttemptReadModel } from '../read-models/sqlite/sqlite-login-attempt-read-model.js';
import { SqliteReadModelDatabase } from '../read-models/sqlite/sqlite-read-model-database.js';
import { SqliteSessionReadModel } from '../read-models/sqlite/sqlite-session-read-model.js';
import { SqliteUserReadModel } from '../read-models/sqlite/sqlite-user-read-model.js';
import { SqliteMailOutbox } from '../read-models/sqlite/sqlite-mail-outbox.js';
import { SqliteWebhookReadModel } from '../read-models/sqlite/sqlite-webhook-read-model.js';
import { FileSigningKeyRepository } from '../tokens/file-signing-key-repository.js';
import { MongoSigningKeyRepository } from '../tokens/mongo-signing-key-repository.js';
import type { SigningKeyRepository } from '../tokens/signing-key-repository.js';
import type { DataKeyStore } from '../../application/ports/data-key-store.port.js';
import type { SecretBox } from '../../application/ports/secret-box.port.js';
import { AesGcmSecretBox } from '../crypto/aes-gcm-secret-box.js';
import { loadMasterKey } from '../crypto/master-key.js';
import { DataKeyRing } from '../privacy/data-key-ring.js';
import { MongoDataKeyStore } from '../privacy/mongo-data-key-store.js';
import { PersonalDataEventStore } from '../privacy/personal-data-event-store.js';
import { SqliteDataKeyStore } from '../privacy/sqlite-data-key-store.js';

/** Every adapter that depends on where data lives, chosen once from configuration. */
export interface Storage {
  readonly mode: 'mongodb' | 'embedded';
  /** The log as the service reads and writes it: personal fields opened on read, sealed on append. */
  readonly eventStore: EventStore;
  /** The log exactly as stored (personal fields sealed): what `verify-log` hashes. */
  readonly storedEvents: EventStore;
  /** The master key (DATA_ENCRYPTION_KEY or DATA_DIR/master.key) and the box sealing under it. */
  readonly masterKey: Uint8Array;
  readonly secretBox: SecretBox;
  /** The per-subject data keys of personal data (crypto-shredding), cached in memory. */
  readonly dataKeys: DataKeyRing;
  readonly users: UserReadModel;
  readonly sessions: SessionReadModel;
  readonly loginAttempts: LoginAttemptReadModel;
  readonly webhooks: WebhookReadModel;
  readonly mailOutbox: MailOutbox;
  readonly signingKeys: SigningKeyRepository;
  readonly rateLimiter: RateLimiter;
  /** Periodic housekeeping the store needs (expired rate-limit counters on MongoDB). */
  sweep(now: Date): Promise<void>;
  close(): Promise<void>;
}

/** The embedded mode's files in DATA_DIR. */
export const EVENTS_FILE = 'events.sqlite';
export const READ_MODELS_FILE = 'read-models.sqlite';
/** The data keys, apart from the log: a copy of events.sqlite carries no key. */
export const DATA_KEYS_FILE = 'data-keys.sqlite';

/** The keys and the sealing view over the stored log, the same in both modes (and in the fault tests). */
export function sealing(
  stored: EventStore,
  keyStore: DataKeyStore,
  masterKey: Uint8Array,
): Pick<Storage, 'eventStore' | 'storedEvents' | 'masterKey' | 'secretBox' | 'dataKeys'> {
  const secretBox = new AesGcmSecretBox(masterKey);
  const dataKeys = new DataKeyRing(keyStore, secretBox);
  return {
    eventStore: new PersonalDataEventStore(stored, dataKeys),
    storedEvents: stored,
    masterKey,
    secretBox,
    dataKeys,
  };
}

const CONNECT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 10_000 };

/** MongoDB may start after us (compose, a restart): retry with backoff, saying so each time. */
async function connectWithRetry(uri: string, logger: Logger): Promise<{ client: MongoClient; db: Db }> {
  const deadline = Date.now() + 120_000;
  for (let attempt = 1; ; attempt++) {
    const delay = backoffCeiling(attempt, CONNECT_BACKOFF);
    try {
      return await connectMongo(uri, { appName: 'auth-service' });
    } catch (error) {
      if (Date.now() + delay > deadline) throw error;
      logger.warn({ attempt, retryInMs: delay, err: error }, 'MongoDB is not reachable yet; retrying');
      await sleep(delay);
    }
  }
}

export async function openStorage(config: Config, logger: Logger): Promise<Storage> {
  if (config.mongodbUri !== undefined) {
    const masterKey = await loadMasterKey(config, logger);
    const { client, db } = await connectWithRetry(config.mongodbUri, logger);
    // Queries of the read models fail with the driver's errors; guarded, an outage answers 503.
    const users = guardedByMongo(new MongoUserReadModel(db));
    const sessions = guardedByMongo(new MongoSessionReadModel(db));
    const loginAttempts = guardedByMongo(new MongoLoginAttemptReadModel(db));
    const webhooks = guardedByMongo(new MongoWebhookReadModel(db));
    const mailOutbox = guardedByMongo(new MongoMailOutbox(db));
    const rateLimiter = MongoRateLimiter.create(db, config.rateLimits);
    const [storedEvents] = await Promise.all([
      MongoEventStore.create(db),
      users.init(),
      sessions.init(),
      loginAttempts.init(),
      webhooks.init(),
      mailOutbox.init(),
    ]);
    const sealed = sealing(storedEvents, guardedByMongo(new MongoDataKeyStore(db)), masterKey);
    return {
      mode: 'mongodb',
      ...sealed,
      users,
      sessions,
      loginAttempts,
      webhooks,
      mailOutbox,
      signingKeys: new MongoSigningKeyRepository(db),
      rateLimiter,
      sweep: async (now) => void (await MongoRateLimiter.sweep(db, now)),
      close: async () => {
        await storedEvents.close();
        await client.close();
      },
    };
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const masterKey = await loadMasterKey(config, logger);
  const storedEvents = new SqliteEventStore({ file: path.join(config.dataDir, EVENTS_FILE) });
  const keyStore = new SqliteDataKeyStore({ file: path.join(config.dataDir, DATA_KEYS_FILE) });
  // Read models and their checkpoints persist in a file of their own: a start resumes from the
  // checkpoint instead of replaying the log, and memory does not grow with the data.
  const readModels = new SqliteReadModelDatabase({ file: path.join(config.dataDir, READ_MODELS_FILE) });
  return {
    mode: 'embedded',
    ...sealing(storedEvents, keyStore, masterKey),
    users: new SqliteUserReadModel(readModels),
    sessions: new SqliteSessionReadModel(readModels),
    loginAttempts: new SqliteLoginAttemptReadModel(readModels),
    webhooks: new SqliteWebhookReadModel(readModels),
    mailOutbox: new SqliteMailOutbox(readModels),
    signingKeys: new FileSigningKeyRepository(config.dataDir),
    rateLimiter: new InMemoryRateLimiter(config.rateLimits),
    sweep: async () => {},
    close: async () => {
      await storedEvents.close();
      await keyStore.close();
      readModels.close();
    },
  };
}
