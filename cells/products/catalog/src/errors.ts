import { DomainError } from '@retail/kernel';

export class ProductNotFoundError extends DomainError {
  constructor(sku: string) {
    super('not-found', `No product with SKU ${sku}.`);
  }
}

export class DuplicateSkuError extends DomainError {
  constructor(sku: string) {
    super('conflict', `A product with SKU ${sku} already exists.`);
  }
}
