import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncApiJson, cellOpenApi, formatDocument, publicOpenApi } from '@retail/contracts';
import type { CellDescriptor } from '@retail/descriptor';
import { API_DESCRIPTION, gatewayRoutes } from './contract.ts';
import * as gatewaySchemas from './contract.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The public API's OpenAPI document: the cells' routes for people under `/api`, and gateway-global's own. */
export const publicDocument = (cells: readonly CellDescriptor[]) =>
  publicOpenApi(cells, { routes: gatewayRoutes, schemas: gatewaySchemas, description: API_DESCRIPTION });

/**
 * Each committed document with what it is generated from: `npm run generate:contracts` writes them, a test compares.
 * The public API's TypeScript types are committed too: committedTypes in public-api-types.ts (async, and kept out of
 * the services, which import this module).
 */
export function committedDocuments(cells: readonly CellDescriptor[]): { path: string; text: string }[] {
  return [
    { path: join(repoRoot, 'gateway-global/openapi.json'), text: formatDocument(publicDocument(cells)) },
    ...cells.map((cell) => ({ path: join(repoRoot, `cells/${cell.name}/contract/openapi.json`), text: formatDocument(cellOpenApi(cell)) })),
    { path: join(repoRoot, 'shared/contracts/asyncapi.json'), text: asyncApiJson(cells) },
  ];
}
