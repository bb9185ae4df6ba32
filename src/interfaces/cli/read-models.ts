import type { ProjectionStore } from '../../application/ports/projection-store.port.js';
import {
  loginAttemptsProjection,
  sessionsProjection,
  usersProjection,
  webhooksProjection,
  mailOutboxProjection,
} from '../../application/projections/index.js';
import type { Storage } from '../../infrastructure/runtime/storage.js';

/** The read models by the names their projections (and checkpoints) use. */
export const READ_MODEL_NAMES: readonly string[] = [
  usersProjection.name,
  sessionsProjection.name,
  loginAttemptsProjection.name,
  webhooksProjection.name,
  mailOutboxProjection.name,
];

export interface NamedCheckpoint {
  readonly name: string;
  readonly store: Pick<ProjectionStore<object>, 'checkpoint'>;
}

export const readModelStores = (storage: Storage): readonly NamedCheckpoint[] => [
  { name: usersProjection.name, store: storage.users },
  { name: sessionsProjection.name, store: storage.sessions },
  { name: loginAttemptsProjection.name, store: storage.loginAttempts },
  { name: webhooksProjection.name, store: storage.webhooks },
  { name: mailOutboxProjection.name, store: storage.mailOutbox },
];
