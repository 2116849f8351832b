import { DomainError } from '@retail/kernel';

/** The catalog holds no product with this SKU (as far as browse's copy knows). */
export class ProductNotFoundError extends DomainError {
  constructor(sku: string) {
    super('not-found', `No product with SKU ${sku}.`);
  }
}
