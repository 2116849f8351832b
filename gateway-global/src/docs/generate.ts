// npm run generate:contracts — rewrite the committed OpenAPI and AsyncAPI documents from the descriptors, and the public
// API's TypeScript types from its document (commit the result).
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cells } from '@retail/topology';
import { committedDocuments } from './documents.ts';
import { committedTypes } from './public-api-types.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
for (const { path, text } of [...committedDocuments(cells), ...(await committedTypes(cells))]) {
  writeFileSync(path, text);
  console.log(`wrote ${relative(root, path)}`);
}
