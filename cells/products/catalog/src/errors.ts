import { DomainError } from '@retail/kernel';

export class ProductNotFoundError extends DomainError {
  constructor(sku: string) {
    super('not-found', `No product with SKU ${sku}.`);
  }
}

/** The change was made against another version than the current one (its `If-Match`): nothing was changed. */
export class ProductChangedError extends DomainError {
  constructor(sku: string, version: number) {
    super(
      'stale',
      `Product ${sku} is at version ${version} now, not the one this change was made against; read it again.`,
      {},
      'stale-if-match',
    );
  }
}

export class DuplicateSkuError extends DomainError {
  constructor(sku: string) {
    super('conflict', `A product with SKU ${sku} already exists.`, {}, 'duplicate-sku');
  }
}
