import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type {
  WebhookAttempt,
  WebhookClient,
  WebhookMessage,
} from '../../application/ports/webhook-client.port.js';
import { hostOf, RefusedTargetError, resolveTarget, targetRefusal } from './target-guard.js';

export interface NodeWebhookClientOptions {
  readonly allowPrivate: boolean;
  readonly timeoutMs: number;
}

/** The most of a receiver's answer we read; the body itself is never kept. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const SECRET_BYTES = 32;

/**
 * Standard Webhooks over node:http(s). The host is resolved and checked once per attempt and the
 * socket connects to exactly that address (the `lookup` hook), so a DNS answer that changes
 * between the check and the connection (rebinding) cannot reach a private address. Redirects
 * are never followed (node's client does not follow them): a 3xx is a failed attempt.
 */
export class NodeWebhookClient implements WebhookClient {
  constructor(private readonly options: NodeWebhookClientOptions) {}

  newSecret(): string {
    return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
  }

  refusal(url: string): Promise<string | null> {
    return targetRefusal(url, this.options.allowPrivate);
  }

  async send(message: WebhookMessage): Promise<WebhookAttempt> {
    const url = new URL(message.url);
    // One deadline for the lookup and the request together: an attempt never outlasts
    // WEBHOOK_TIMEOUT, which the sender's claim is sized by.
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    let target;
    try {
      target = await beforeDeadline(resolveTarget(hostOf(url), this.options.allowPrivate), deadline);
    } catch (error) {
      if (error instanceof RefusedTargetError)
        return { delivered: false, status: null, error: error.message };
      if (deadline.aborted) return { delivered: false, status: null, error: 'timed out resolving the host' };
      throw error;
    }
    const signature = new Webhook(message.secret).sign(message.id, message.timestamp, message.payload);
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if (options.all === true) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const body = Buffer.from(message.payload, 'utf8');
    return new Promise<WebhookAttempt>((resolve) => {
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method: 'POST',
          lookup: pinned,
          headers: {
            'content-type': 'application/json',
            'content-length': String(body.length),
            'user-agent': 'auth-service-webhooks',
            'webhook-id': message.id,
            'webhook-timestamp': String(Math.floor(message.timestamp.getTime() / 1000)),
            'webhook-signature': signature,
          },
          signal: deadline,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) response.destroy();
          });
          const done = (): void =>
            resolve(
              status >= 200 && status < 300
                ? { delivered: true, status }
                : {
                    delivered: false,
                    status,
                    error: status >= 300 && status < 400 ? 'redirect not followed' : null,
                  },
            );
          response.on('end', done);
          response.on('close', done);
          response.on('error', done);
        },
      );
      request.on('error', (error) =>
        resolve({
          delivered: false,
          status: null,
          error:
            error.name === 'AbortError' || error.name === 'TimeoutError'
              ? 'timed out'
              : error.message.slice(0, 200),
        }),
      );
      request.end(body);
    });
  }
}

/** `work`, or a rejection once `signal` aborts (the work itself, a DNS lookup, runs out unwatched). */
const beforeDeadline = <T>(work: Promise<T>, signal: AbortSignal): Promise<T> =>
  Promise.race([
    work,
    new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }),
  ]);
