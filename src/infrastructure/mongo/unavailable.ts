import {
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { StoreUnavailableError } from '../../application/ports/event-store.port.js';

/** Server error codes that mean "no usable primary right now" rather than "the request is wrong". */
const TRANSIENT_SERVER_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Whether a driver error means "MongoDB cannot be reached now" (a 503), not "this request is wrong". */
export function isMongoUnavailable(error: unknown): error is MongoError {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoClientClosedError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoNotConnectedError ||
    (error instanceof MongoError && typeof error.code === 'number' && TRANSIENT_SERVER_CODES.has(error.code))
  );
}

/** Runs `operation`, turning "MongoDB is not reachable" into the port's StoreUnavailableError. */
export async function mongoGuard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isMongoUnavailable(error)) {
      throw new StoreUnavailableError(`MongoDB is unavailable: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * The same object with every promise-returning method guarded by `mongoGuard`: for adapters whose
 * methods are plain queries (the read models), so an outage answers 503 wherever it surfaces.
 */
export function guardedByMongo<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const result: unknown = Reflect.apply(value, object, args);
        return result instanceof Promise ? mongoGuard(() => result) : result;
      };
    },
  });
}
