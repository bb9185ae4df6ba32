import { inject, injectable } from 'tsyringe';
import { trustedDeviceStreamId, type DeviceTrusted } from '../../domain/login-attempt/trusted-device.js';
import { CommandHandler } from '../command-handler.js';
import { asRecorded } from '../event-sourcing.js';
import { DEVICE_TOKEN_CODEC, type DeviceTokenCodec } from '../ports/device-token.port.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';

export interface TrustedDevice {
  readonly deviceId: string;
  /** The token the client holds, handed back unchanged on each login. */
  readonly token: string;
}

/** OWASP "device cookies": a token proving this client once knew the password of one account. */
@injectable()
export class TrustedDevices {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(DEVICE_TOKEN_CODEC) private readonly codec: DeviceTokenCodec,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  /** The device, when the token was issued for this very account; else the client is untrusted. */
  /** `notBefore`: a password reset's instant; devices trusted before it count no more. */
  async trustedFor(
    token: string | null,
    userId: string | null,
    notBefore: Date | null = null,
  ): Promise<TrustedDevice | null> {
    if (token === null || userId === null) return null;
    const digest = this.codec.digestOf(token);
    if (digest === null) return null;
    const [first] = await this.store.readStream(trustedDeviceStreamId(digest));
    if (first === undefined) return null;
    const event = asRecorded<DeviceTrusted>(first);
    if (notBefore !== null && first.occurredAt.getTime() <= notBefore.getTime()) return null;
    return event.data.userId === userId ? { deviceId: event.data.deviceId, token } : null;
  }

  async trust(userId: string, sessionId: string, ctx: RequestContext, now: Date): Promise<TrustedDevice> {
    const { token, digest } = this.codec.issue();
    const deviceId = this.ids.uuid();
    const event: DeviceTrusted = { type: 'DeviceTrusted', data: { deviceId, userId, sessionId } };
    await this.commands.record({
      streamId: trustedDeviceStreamId(digest),
      expectedVersion: 'no_stream',
      events: [{ type: event.type, data: { ...event.data } }],
      metadata: { ...metadataOf(ctx), actorId: userId },
      occurredAt: now,
    });
    return { deviceId, token };
  }
}
