/** One Standard Webhooks message: signed and POSTed by the adapter. */
export interface WebhookMessage {
  readonly url: string;
  /** `webhook-id`: the same for every attempt at one event, so receivers can deduplicate. */
  readonly id: string;
  readonly timestamp: Date;
  /** The JSON body, exactly as signed. */
  readonly payload: string;
  /** `whsec_…` */
  readonly secret: string;
}

/** A 2xx answer is a delivery; anything else (another status, a redirect, a timeout, a refused target) is not. */
export type WebhookAttempt =
  | { readonly delivered: true; readonly status: number }
  | { readonly delivered: false; readonly status: number | null; readonly error: string | null };

export interface WebhookClient {
  /** A new signing secret, `whsec_` + base64 of random bytes. */
  newSecret(): string;
  send(message: WebhookMessage): Promise<WebhookAttempt>;
  /**
   * Why `url` may not be a target (not http(s), or a host resolving to a private, loopback,
   * link-local… address while those are not allowed), or null when it may.
   */
  refusal(url: string): Promise<string | null>;
}
export const WEBHOOK_CLIENT = Symbol('WebhookClient');

export interface WebhookSettings {
  /** First retry delay; each further one doubles (with jitter) up to `maxRetrySeconds`. */
  readonly retryBaseSeconds: number;
  readonly maxRetrySeconds: number;
  /** Failing continuously this long disables a subscription. */
  readonly disableAfterSeconds: number;
  /** WEBHOOK_TIMEOUT: the longest one attempt takes. */
  readonly timeoutSeconds: number;
}
export const WEBHOOK_SETTINGS = Symbol('WebhookSettings');
