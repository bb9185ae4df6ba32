/** A domain event as deciders produce it: a past-tense type and its data, nothing about storage. */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

/** An event as read back from its stream: the decider's event plus when it happened. */
export type Recorded<E> = E & { readonly occurredAt: Date };
