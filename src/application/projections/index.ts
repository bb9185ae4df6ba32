export { loginAttemptsProjection } from './login-attempts.projection.js';
export type { Projection } from './projection.js';
export { sessionsProjection } from './sessions.projection.js';
export { usersProjection } from './users.projection.js';
export { webhooksProjection } from './webhooks.projection.js';
export { mailOutboxProjection } from './mail-outbox.projection.js';
