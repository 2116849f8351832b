import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { responseChecker } from './conformance.ts';
import { openApiDocument, type DocumentedRoute } from './openapi.ts';

const plantSchema = z.object({ name: z.string(), height: z.number().int() });
const routes: DocumentedRoute[] = [
  {
    method: 'GET',
    path: '/plants/:name',
    access: 'public',
    summary: 'One plant',
    tag: 'garden',
    contract: { params: z.object({ name: z.string() }), responses: { 200: plantSchema }, problems: [404] },
  },
  {
    method: 'GET',
    path: '/plants/tallest',
    access: 'public',
    summary: 'The tallest plant',
    tag: 'garden',
    contract: { responses: { 200: z.object({ tallest: z.string() }) } },
  },
];
const document = openApiDocument(routes, {
  title: 'Garden',
  description: 'A test.',
  version: '1',
  prefix: '/api',
  tokenUrl: '/auth/token',
  schemaModules: [{ owner: 'garden', module: { plantSchema } }],
  tags: [],
});
const check = responseChecker(document, { prefixes: ['/api/'] });
const json = 'application/json';
const problem = 'application/problem+json';

describe('checking answers against the OpenAPI document', () => {
  it('passes an answer as documented, literal paths before parameters', () => {
    expect(check({ method: 'GET', path: '/api/plants/fern', status: 200, contentType: json, body: '{"name":"fern","height":3}' })).toEqual(
      [],
    );
    expect(check({ method: 'GET', path: '/api/plants/tallest', status: 200, contentType: json, body: '{"tallest":"oak"}' })).toEqual([]);
    expect(
      check({
        method: 'GET',
        path: '/api/plants/x',
        status: 404,
        contentType: problem,
        body: '{"type":"about:blank","title":"Not Found","status":404}',
      }),
    ).toEqual([]);
  });

  it('reports a body that does not match, an undocumented status, an error that is not a problem', () => {
    expect(
      check({ method: 'GET', path: '/api/plants/fern', status: 200, contentType: json, body: '{"name":"fern","height":"3"}' })[0],
    ).toMatch(/body\/height must be integer/);
    expect(
      check({ method: 'GET', path: '/api/plants/fern', status: 200, contentType: json, body: '{"name":"fern","height":3,"x":1}' })[0],
    ).toMatch(/additional/);
    expect(check({ method: 'GET', path: '/api/plants/fern', status: 409, contentType: problem, body: '{}' })).toEqual([
      'status 409 is not documented',
    ]);
    expect(check({ method: 'GET', path: '/api/plants/fern', status: 404, contentType: json, body: '{"error":"x"}' })[0]).toMatch(
      /answered application\/json, the document says application\/problem\+json/,
    );
    expect(check({ method: 'GET', path: '/api/plants/fern', status: 404, contentType: problem, body: '{"title":"x"}' })[0]).toMatch(/type/);
  });

  it('takes only problems on paths it does not know under its prefixes, and leaves other paths alone', () => {
    expect(check({ method: 'DELETE', path: '/api/plants/fern', status: 200, contentType: json, body: '{}' })).toEqual([
      '200 for a route the document does not have',
    ]);
    expect(
      check({
        method: 'GET',
        path: '/api/nothing',
        status: 404,
        contentType: problem,
        body: '{"type":"about:blank","title":"Not Found","status":404}',
      }),
    ).toEqual([]);
    expect(check({ method: 'GET', path: '/index.html', status: 200, contentType: 'text/html', body: undefined })).toEqual([]);
  });
});
