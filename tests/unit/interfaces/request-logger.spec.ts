import { Writable } from 'node:stream';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa from 'koa';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { HttpState } from '../../../src/interfaces/http/http-state.js';
import { accessLog } from '../../../src/interfaces/http/middleware/access-log.js';
import { requestId } from '../../../src/interfaces/http/middleware/request-id.js';
import { REDACTED_PATHS } from '../../../src/infrastructure/logging/pino-logger.js';

function loggerAt(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
  return { logger, lines };
}

/** The two middlewares as app.ts chains them, over a real Koa context. */
async function request(logger: ReturnType<typeof loggerAt>['logger'], incomingId?: string) {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = '/users/me';
  if (incomingId !== undefined) req.headers['x-request-id'] = incomingId;
  const ctx = new Koa<HttpState>().createContext<HttpState>(req, new ServerResponse(req));
  ctx.state.route = '/users/me';
  const handler = (): Promise<void> => {
    ctx.status = 200;
    return Promise.resolve();
  };
  await requestId(logger)(ctx, async () => {
    await accessLog(undefined, logger)(ctx, handler);
  });
  return { id: ctx.response.get('X-Request-Id'), state: ctx.state };
}

describe('the request logger', () => {
  it('logs each request at info with its request id', async () => {
    const { logger, lines } = loggerAt('info');
    const { id } = await request(logger, 'trace-42');
    expect(id).toBe('trace-42');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toMatchObject([{ msg: 'request', requestId: 'trace-42', route: '/users/me', status: 200 }]);
  });

  it('makes no child logger for a request when info is off (the per-request redaction cost)', async () => {
    const { logger, lines } = loggerAt('warn');
    const child = vi.spyOn(logger, 'child');
    const { state } = await request(logger);
    expect(child).not.toHaveBeenCalled();
    // Still there for whoever logs a warning or an error.
    state.log.warn('late');
    expect(child).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toMatchObject([{ msg: 'late', requestId: expect.any(String) as string }]);
  });
});
