import { DomainError, ServiceUnavailableError } from '@retail/kernel';
import type { OrderStatus } from '@retail/orders-contract';

/** No such order, or not one the viewer may see (the two look the same from outside). */
export class OrderNotFoundError extends DomainError {
  constructor(id: string) {
    super('not-found', `No order ${id}.`);
  }
}

/** The state machine does not allow the move; the problem names the order's current status. */
export class IllegalTransitionError extends DomainError {
  constructor(
    order: { id: string; status: OrderStatus },
    to: OrderStatus,
    detail = `Order ${order.id} is ${order.status}; it cannot become ${to}.`,
  ) {
    super('conflict', detail, { orderStatus: order.status }, 'order-state-conflict');
  }
}

/** The customer used this Idempotency-Key before, for another request. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super('unprocessable', 'Idempotency-Key was used with a different request.', {}, 'idempotency-key-reused');
  }
}

/**
 * The customer is being moved to another partition (frozen) or has been: nothing of theirs is written
 * here. `moving` names the partition they go to; the write is tried again there, or here once a rolled
 * back move has unfrozen them.
 */
export class CustomerMovingError extends DomainError {
  constructor(customerId: string, to: string) {
    super(
      'conflict',
      `Customer ${customerId} is being moved to ${to}; nothing of theirs is written here meanwhile.`,
      { moving: to },
      'customer-frozen',
    );
  }
}

/** A saga step for an order that moved to another partition: `partition` is where it is now (410). */
export class OrderMovedError extends DomainError {
  constructor(id: string, partition: string) {
    super('gone', `Order ${id} has moved to ${partition}.`, { partition }, 'order-moved');
  }
}

/**
 * The customer's own order (or their orders) moved to another partition: the cell router sends them
 * there as soon as its copy of the placement map catches up (within a second), hence a 503 to retry.
 */
export class MovedAwayError extends ServiceUnavailableError {
  readonly retryAfterSeconds = 1;
  constructor(detail: string) {
    super(detail, 'customer-moving');
  }
}

/** `Order X has moved to orders-2; try again shortly.` */
export const orderMovedAway = (id: string, partition: string) =>
  new MovedAwayError(`Order ${id} has moved to ${partition}; try again shortly.`);
/** `Your orders have moved to orders-2; try again shortly.` */
export const ordersMovedAway = (partition: string) => new MovedAwayError(`Your orders have moved to ${partition}; try again shortly.`);

/** A migration command that does not fit where the customer stands here (another move, another state). */
export class MoveConflictError extends DomainError {
  constructor(detail: string, facts: Record<string, unknown> = {}) {
    super('conflict', detail, facts, 'move-conflict');
  }
}

/**
 * The core has heard of no product at all yet (a fresh database whose consumer is still replaying the
 * products cell's events): it cannot tell an unknown SKU from one it has not caught up with. Inside the
 * cell a conflict with `pricesUnknown`; checkout tells the customer 503 `prices-unknown` with Retry-After.
 */
export class PricesUnknownError extends DomainError {
  constructor() {
    super('conflict', 'Prices are not known yet: this partition is still catching up with the catalog.', { pricesUnknown: true });
  }
}
