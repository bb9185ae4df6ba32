import { PassThrough } from 'node:stream';
import { z } from 'zod';
import type { EventFeed } from '../../../application/admin/event-feed.js';
import { streamedEvent } from '../../../application/admin/public-event.js';
import type { StoredEvent } from '../../../application/ports/event-store.port.js';
import type { UseCases } from '../../../application/use-cases.js';
import { problem } from '../openapi/problems.js';
import { HttpProblem } from '../problem.js';
import { defineRoute, type Route, type RouteContext } from '../routing/route.js';

const positionText = z.string().regex(/^\d{1,15}$/, 'must be a position (a non-negative integer)');

const eventStreamQuery = z.object({
  after: positionText.optional().meta({
    description: 'Start after this position (0 replays the whole log). Default: the head (new events only).',
  }),
  types: z
    .string()
    .max(2000)
    .regex(/^[A-Za-z]+(,[A-Za-z]+)*$/, 'must be comma-separated event types')
    .optional()
    .meta({ description: 'Only these event types, comma-separated, e.g. `LoginFailed,LoggedOut`.' }),
});

const badResume = new HttpProblem(
  400,
  'Bad request',
  'Last-Event-ID must be a position (a non-negative integer).',
);

/** `id`, `event` and one `data` line (JSON has no raw newlines): one SSE message per event. */
const frameOf = (event: StoredEvent): string =>
  `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(streamedEvent(event))}\n\n`;

/**
 * Writes the log from `after` on until the client goes: a page from the store at a time, each
 * written only when the socket took the previous one ('drain'), so a slow client costs one page
 * of memory; then the follower's wake-ups, with a comment line after every silent heartbeat.
 * Filtered-out events move the position too, so a resume never repeats or skips one.
 */
async function pump(
  feed: EventFeed,
  out: PassThrough,
  after: number,
  types: ReadonlySet<string> | null,
  closed: Promise<void>,
): Promise<void> {
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  const write = async (chunk: string): Promise<void> => {
    if (out.write(chunk)) return;
    await Promise.race([new Promise((resolve) => out.once('drain', resolve)), closed]);
  };
  const { heartbeatMs } = feed.settings;
  let position = after;
  let lastWrite = Date.now();
  await write(': stream open\n\n');
  while (!isClosed) {
    const events = await feed.page(position);
    for (const event of events) {
      if (isClosed) return;
      if (types === null || types.has(event.type)) {
        await write(frameOf(event));
        lastWrite = Date.now();
      }
      position = event.position;
    }
    if (Date.now() - lastWrite >= heartbeatMs) {
      await write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
    if (events.length > 0) continue;
    await feed.waitBeyond(position, Math.max(1, heartbeatMs - (Date.now() - lastWrite)), closed);
  }
}

/** Last-Event-ID (a reconnecting EventSource), else `?after=`, else null: the head. */
function startOf(ctx: RouteContext, after: string | undefined): number | null {
  const lastEventId = ctx.get('Last-Event-ID').trim();
  if (lastEventId !== '') {
    if (!/^\d{1,15}$/.test(lastEventId)) throw badResume;
    return Number(lastEventId);
  }
  return after !== undefined ? Number(after) : null;
}

/** One event of the stream as a client parses it: the position, the event's type, its JSON. */
const sseEvent = z.object({
  id: z.string().regex(/^\d+$/).describe('The global position; send it back as Last-Event-ID.'),
  event: z.string().describe('The event type, e.g. LoginFailed.'),
  data: z
    .string()
    .describe('The event as JSON: as in /admin/users/{id}/events, plus stream_id and metadata.'),
});
export const eventStreamRoutes = (u: UseCases): Route[] => [
  defineRoute({
    method: 'get',
    path: '/admin/events/stream',
    access: 'admin',
    operationId: 'eventStream',
    summary: 'The event log, live (Server-Sent Events)',
    description:
      'Per event: `id: <position>`, `event: <type>`, `data: <the event as in /admin/users/{id}/events, ' +
      'plus stream_id and metadata, no secrets>`. Resumes after `Last-Event-ID` (or `?after=`); without ' +
      'either it starts at the head. A comment line at least every heartbeat (EVENT_STREAM_HEARTBEAT).',
    tag: 'Administration',
    request: { query: eventStreamQuery },
    responses: {
      '200': {
        description: 'An endless `text/event-stream`.',
        // OpenAPI 3.1 has no itemSchema: for text/event-stream the schema describes one parsed event.
        content: { 'text/event-stream': { schema: sseEvent } },
      },
      ...problem(400, 'Last-Event-ID or a query parameter is not valid.'),
      ...problem(503, 'This instance already serves as many streams as it allows.'),
    },
    handler: async (ctx, { query }) => {
      const feed = u.eventFeed;
      const start = startOf(ctx, query.after);
      const after = start ?? (await feed.head());
      const types = query.types === undefined ? null : new Set(query.types.split(','));
      const release = feed.openStream();
      if (release === null) {
        throw new HttpProblem(
          503,
          'Service unavailable',
          'Too many live streams on this instance; retry later.',
          {
            headers: { 'Retry-After': '5' },
          },
        );
      }
      const out = new PassThrough();
      const closed = new Promise<void>((resolve) => {
        ctx.req.once('close', resolve);
        out.once('close', resolve);
      });
      void closed.then(release);
      ctx.req.socket.setTimeout(0);
      ctx.status = 200;
      ctx.type = 'text/event-stream';
      // Audit events with personal data: no cache may keep them.
      ctx.set('Cache-Control', 'no-store');
      ctx.set('X-Accel-Buffering', 'no');
      ctx.body = out;
      void pump(feed, out, after, types, closed)
        .catch((error: unknown) => {
          ctx.state.log.warn({ err: error }, 'event stream ended by an error');
        })
        .finally(() => {
          out.end();
          release();
        });
    },
  }),
];
