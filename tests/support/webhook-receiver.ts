/**
 * A Standard Webhooks receiver for tests: a node http server on 127.0.0.1 that records every
 * request (headers and raw body) and answers with what `answer` says for the n-th request.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly path: string;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** Answer this much later (a slow receiver). */
  readonly delayMs?: number;
}

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(
  answer: (n: number) => Answer = () => ({ status: 204 }),
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        path: req.url ?? '',
      });
      const { status, headers, delayMs = 0 } = answer(requests.length);
      setTimeout(() => res.writeHead(status, headers).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface VerifiedMessage {
  readonly id: string;
  readonly type: string;
  readonly position: number;
  readonly streamId: string;
}

/**
 * Verifies each request with `standardwebhooks` (throws on a bad signature) and keeps the first
 * of each `webhook-id`, as a receiver that deduplicates would.
 */
export function verifiedUnique(secret: string, requests: readonly ReceivedRequest[]): VerifiedMessage[] {
  const webhook = new Webhook(secret);
  const seen = new Map<string, VerifiedMessage>();
  for (const request of requests) {
    const headers: Record<string, string> = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    const body = webhook.verify(request.body, headers) as {
      type: string;
      data: { position: number; stream_id: string; type: string };
    };
    const id = headers['webhook-id'] ?? '';
    if (!seen.has(id))
      seen.set(id, { id, type: body.type, position: body.data.position, streamId: body.data.stream_id });
  }
  return [...seen.values()];
}

export const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
