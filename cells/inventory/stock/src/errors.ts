import { DomainError } from '@retail/kernel';

/** The inventory keeps no stock for this SKU. */
export class StockNotKeptError extends DomainError {
  constructor(sku: string) {
    super('not-found', `No stock is kept for SKU ${sku}.`);
  }
}

/** The caller used this Idempotency-Key before, for another adjustment. */
export class AdjustmentKeyReusedError extends DomainError {
  constructor() {
    super('unprocessable', 'Idempotency-Key was used with a different adjustment.', {}, 'idempotency-key-reused');
  }
}

/** An adjustment would take on-hand stock below zero, or below what is reserved for orders. */
export class StockShortfallError extends DomainError {
  constructor(detail: string) {
    super('conflict', detail, {}, 'insufficient-stock');
  }
}
