import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createServiceApp } from './app.ts';
import { ifMatchAllows, requireIfMatch, versionETag } from './conditional.ts';
import { createLogger } from './logger.ts';

const app = createServiceApp({ logger: createLogger({ name: 'test', level: 'silent' }) });
app.route(
  '/',
  new Hono().put('/things/:id', (c) => {
    const ifMatch = requireIfMatch(c);
    return c.json({ ifMatch, allowsV7: ifMatchAllows(ifMatch, versionETag(7)) });
  }),
);
const put = (ifMatch?: string) =>
  app.request('/things/1', { method: 'PUT', headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } });

describe('If-Match', () => {
  it('makes strong entity tags from versions', () => {
    expect(versionETag(7)).toBe('"v7"');
  });

  it('is required: 428 if-match-required without it', async () => {
    for (const missing of [undefined, '', '  ']) {
      const res = await put(missing);
      expect(res.status).toBe(428);
      expect(await res.json()).toMatchObject({ type: '/api/problems/if-match-required', title: 'If-Match required', status: 428 });
    }
  });

  it('matches one of the listed tags strongly, or anything with *', async () => {
    expect(await (await put('"v7"')).json()).toEqual({ ifMatch: ['"v7"'], allowsV7: true });
    expect(await (await put('"v6", "v7"')).json()).toMatchObject({ allowsV7: true });
    expect(await (await put('"v6"')).json()).toMatchObject({ allowsV7: false });
    expect(await (await put('*')).json()).toEqual({ ifMatch: '*', allowsV7: true });
    // A weak tag never matches in If-Match (RFC 9110 §13.1.1: strong comparison).
    expect(await (await put('W/"v7"')).json()).toEqual({ ifMatch: [], allowsV7: false });
  });

  it('refuses a malformed header with 400 and the field', async () => {
    for (const bad of ['v7', '"v7', '"v 7"', '"v7",,', '*, "v7"']) {
      const res = await put(bad);
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ type: '/api/problems/invalid-request', errors: [{ path: 'If-Match' }] });
    }
  });
});
