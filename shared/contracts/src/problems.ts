import { problemTypes, problemTypeUri, type ProblemKind } from '@retail/kernel';
import type { JsonSchema } from './json-schema.ts';

/** The RFC 9457 problem every 4xx and 5xx answer carries, and the kinds a client can tell apart by `type` (the kernel's registry). */
export function problemDocument(): { schema: JsonSchema; types: JsonSchema[] } {
  const kinds = Object.entries(problemTypes) as [ProblemKind, (typeof problemTypes)[ProblemKind]][];
  return {
    schema: {
      type: 'object',
      description: 'RFC 9457 problem details (`application/problem+json`).',
      properties: {
        type: {
          type: 'string',
          format: 'uri-reference',
          description:
            '`about:blank` (then `title` is the status’s reason phrase), or `/api/problems/<kind>` for a kind a client can act on: `x-problem-types` lists them, and `GET /api/problems/{kind}` describes each.',
          examples: ['about:blank', ...kinds.map(([kind]) => problemTypeUri(kind))],
        },
        title: { type: 'string' },
        status: { type: 'integer', minimum: 400, maximum: 599 },
        detail: { type: 'string' },
        instance: { type: 'string' },
        errors: {
          type: 'array',
          description: 'With 400: each field that is not valid.',
          items: {
            type: 'object',
            properties: { path: { type: 'string' }, message: { type: 'string' } },
            required: ['path', 'message'],
          },
        },
      },
      required: ['type', 'title', 'status'],
      additionalProperties: true,
    },
    types: kinds.map(([kind, entry]) => ({ type: problemTypeUri(kind), kind, ...entry })),
  };
}
