export interface IdGenerator {
  /** A random (v4) UUID. */
  uuid(): string;
}
export const ID_GENERATOR = Symbol('IdGenerator');
