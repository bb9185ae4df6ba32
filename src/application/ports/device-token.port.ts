/** Opaque device tokens: handed out once, stored only as a digest. */
export interface DeviceTokenCodec {
  issue(): { readonly token: string; readonly digest: string };
  /** Null when the token is not even well-formed. */
  digestOf(token: string): string | null;
}
export const DEVICE_TOKEN_CODEC = Symbol('DeviceTokenCodec');
