import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AppError,
  ConflictError,
  PreconditionFailedError,
  PreconditionRequiredError,
  TooManyRequestsError,
  ValidationError,
} from './errors.ts';
import { toProblem } from './problem.ts';
import { isProblemKind, problemKindOf, problemTypes, problemTypeUri, reasonPhrase } from './problem-types.ts';

describe('the registry of problem types', () => {
  it('names each kind in lower-case words and gives it a 4xx/5xx status, a title and a description', () => {
    for (const [kind, entry] of Object.entries(problemTypes)) {
      expect(kind).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(entry.title.length).toBeGreaterThan(3);
      expect(entry.description.length).toBeGreaterThan(20);
    }
  });

  it('gives each kind a path-absolute type URI under /api/problems, and reads it back', () => {
    expect(problemTypeUri('insufficient-stock')).toBe('/api/problems/insufficient-stock');
    expect(problemKindOf('/api/problems/insufficient-stock')).toBe('insufficient-stock');
    expect(problemKindOf('about:blank')).toBeUndefined();
    expect(problemKindOf('/api/problems/no-such-kind')).toBeUndefined();
    expect(problemKindOf('/api/problems/constructor')).toBeUndefined();
    expect(problemKindOf(undefined)).toBeUndefined();
    expect(problemKindOf('/api/problems/insufficient-stock', 409)).toBe('insufficient-stock');
    expect(problemKindOf('/api/problems/insufficient-stock', 400)).toBeUndefined();
    expect(isProblemKind('toString')).toBe(false);
  });

  it('uses RFC 9110 reason phrases for about:blank titles', () => {
    expect(reasonPhrase(404)).toBe('Not Found');
    expect(reasonPhrase(413)).toBe('Content Too Large');
    expect(reasonPhrase(422)).toBe('Unprocessable Content');
    expect(reasonPhrase(428)).toBe('Precondition Required');
    expect(reasonPhrase(429)).toBe('Too Many Requests');
    expect(reasonPhrase(503)).toBe('Service Unavailable');
    expect(reasonPhrase(499)).toBe('Client Error');
  });
});

describe('problems of a kind, and of none', () => {
  it('takes type and title from the kind', () => {
    expect(toProblem(new ValidationError([{ path: 'name', message: 'Required' }]), '/things')).toEqual({
      type: '/api/problems/invalid-request',
      title: 'Invalid request',
      status: 400,
      detail: 'The request is not valid.',
      instance: '/things',
      errors: [{ path: 'name', message: 'Required' }],
    });
    expect(toProblem(new PreconditionFailedError())).toMatchObject({ type: '/api/problems/stale-if-match', status: 412 });
    expect(toProblem(new PreconditionRequiredError())).toMatchObject({ type: '/api/problems/if-match-required', status: 428 });
    expect(toProblem(new TooManyRequestsError(3, { kind: 'sign-in-locked' }))).toMatchObject({
      type: '/api/problems/sign-in-locked',
      title: 'Too many sign-in attempts',
      status: 429,
    });
    expect(toProblem(new ConflictError('Taken.', 'email-taken'))).toMatchObject({ type: '/api/problems/email-taken', status: 409 });
  });

  it('is about:blank with the reason phrase otherwise', () => {
    expect(toProblem(new ConflictError('Already there.'))).toMatchObject({
      type: 'about:blank',
      title: 'Conflict',
      detail: 'Already there.',
    });
    expect(toProblem(new AppError(504, 'The catalog did not answer in time.'))).toMatchObject({
      type: 'about:blank',
      title: 'Gateway Timeout',
      status: 504,
    });
    expect(toProblem(new Error('secret'))).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side; it has been logged.',
    });
  });

  it('maps a zod failure to invalid-request with every field', () => {
    const failure = z.object({ a: z.string(), b: z.number() }).safeParse({ a: 1 });
    expect(toProblem(failure.error)).toMatchObject({
      type: '/api/problems/invalid-request',
      errors: [
        { path: 'a', message: expect.any(String) },
        { path: 'b', message: expect.any(String) },
      ],
    });
  });

  it('refuses an AppError whose status is not its kind’s', () => {
    expect(() => new AppError(400, 'x', { kind: 'duplicate-sku' })).toThrow(/duplicate-sku is a 409, not a 400/);
  });
});
