import { beforeAll, describe, expect, it } from 'vitest';
import { problemTypes } from '@retail/kernel';
import { testGateway } from '../../test/test-support.ts';

type App = Awaited<ReturnType<typeof testGateway>>['app'];
let app: App;
beforeAll(async () => {
  ({ app } = await testGateway());
});

describe('GET /api/problems/:kind', () => {
  it('describes a kind: what a problem’s type URI leads to', async () => {
    const res = await app.request('/api/problems/insufficient-stock');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      type: '/api/problems/insufficient-stock',
      kind: 'insufficient-stock',
      status: 409,
      title: 'Insufficient stock',
      description: expect.stringContaining('reserved'),
    });
  });

  it('serves every kind of the registry, and lists them', async () => {
    const list = (await (await app.request('/api/problems')).json()) as { items: { type: string; kind: string }[] };
    expect(list.items.map((i) => i.kind)).toEqual(Object.keys(problemTypes));
    for (const { type } of list.items) expect((await app.request(type)).status).toBe(200);
  });

  it('answers an unknown kind with a 404 problem, and never routes it to a cell', async () => {
    for (const path of ['/api/problems/no-such-kind', '/api/problems/constructor', '/api/problems/__proto__']) {
      const res = await app.request(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
    }
  });
});
