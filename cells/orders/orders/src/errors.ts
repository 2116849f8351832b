import { DomainError } from '@retail/kernel';
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
    super('conflict', detail, { orderStatus: order.status });
  }
}

/** The customer used this Idempotency-Key before, for another request. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super('unprocessable', 'Idempotency-Key was used with a different request.');
  }
}
