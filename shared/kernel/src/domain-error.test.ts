import { expect, it } from 'vitest';
import { DomainError } from './domain-error.ts';
import { toProblem } from './problem.ts';

class ParcelNotFoundError extends DomainError {
  constructor(id: string) {
    super('not-found', `No parcel ${id}.`);
  }
}
class ParcelSealedError extends DomainError {
  constructor(id: string) {
    super('conflict', `Parcel ${id} is sealed.`, { parcelStatus: 'SEALED' });
  }
}
class LabelReusedError extends DomainError {
  constructor() {
    super('unprocessable', 'That label was printed for another parcel.', {}, 'idempotency-key-reused');
  }
}
class ParcelForwardedError extends DomainError {
  constructor(id: string) {
    super('gone', `Parcel ${id} was forwarded to depot-2.`, { depot: 'depot-2' });
  }
}

it('maps each refusal of a domain rule to its status once, with the rule’s words and facts', () => {
  expect(toProblem(new ParcelNotFoundError('p-1'), '/parcels/p-1')).toEqual({
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: 'No parcel p-1.',
    instance: '/parcels/p-1',
  });
  expect(toProblem(new ParcelSealedError('p-2'))).toMatchObject({
    status: 409,
    title: 'Conflict',
    detail: 'Parcel p-2 is sealed.',
    parcelStatus: 'SEALED',
  });
  expect(toProblem(new LabelReusedError())).toMatchObject({
    type: '/api/problems/idempotency-key-reused',
    title: 'Idempotency-Key reused',
    status: 422,
  });
  expect(toProblem(new ParcelForwardedError('p-4'))).toMatchObject({ status: 410, title: 'Gone', depot: 'depot-2' });
});

it('names the error after the rule that refused', () => {
  expect(new ParcelSealedError('p-3').name).toBe('ParcelSealedError');
});

it('refuses a kind whose status is not the refusal’s: a programming error, found by any test that builds it', () => {
  class Mislabelled extends DomainError {
    constructor() {
      super('not-found', 'No parcel.', {}, 'duplicate-sku');
    }
  }
  expect(() => new Mislabelled()).toThrow(/duplicate-sku is a 409, not a 404/);
});
