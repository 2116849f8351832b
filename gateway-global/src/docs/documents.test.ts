import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { cells } from '@retail/topology';
import { committedDocuments } from './documents.ts';
import { committedTypes } from './public-api-types.ts';

// The public API's TypeScript types come from openapi-typescript, which is async.
const types = await committedTypes(cells);

describe('the committed contract documents', () => {
  it.each([...committedDocuments(cells), ...types].map((d) => [d.path.replace(/^.*?(gateway-global|cells|shared)\//, '$1/'), d] as const))(
    '%s is what the descriptors generate (run npm run generate:contracts after changing a contract)',
    (_name, document) => {
      expect(readFileSync(document.path, 'utf8')).toBe(document.text);
    },
  );

  it.each(
    committedDocuments(cells)
      .filter((d) => d.path.endsWith('openapi.json'))
      .map((d) => [d.path.replace(/^.*?(gateway-global|cells)\//, '$1/'), d] as const),
  )('%s is valid OpenAPI 3.1 by the specification’s own schema', async (_name, document) => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(document.text));
    expect(result.errors).toBeUndefined();
    expect(validator.version).toBe('3.1');
    expect(result.valid).toBe(true);
  });
});
