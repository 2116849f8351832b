import { DomainError } from '@retail/kernel';

/** The inventory keeps no stock for this SKU. */
export class StockNotKeptError extends DomainError {
  constructor(sku: string) {
    super('not-found', `No stock is kept for SKU ${sku}.`);
  }
}

/** An adjustment would take on-hand stock below zero, or below what is reserved for orders. */
export class StockShortfallError extends DomainError {
  constructor(detail: string) {
    super('conflict', detail);
  }
}
