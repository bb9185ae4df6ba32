/**
 * This process's id among the instances sharing one store, drawn once at start-up: the claims of
 * its mail and webhook senders name it, so another instance can tell them from its own.
 */
export const INSTANCE_ID = Symbol('InstanceId');
