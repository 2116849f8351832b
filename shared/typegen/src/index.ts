import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

/**
 * The TypeScript types of an OpenAPI 3.x document — `paths`, `components` and `operations`, types only —
 * as openapi-typescript writes them, after `header` (a comment saying where the file comes from).
 * The same document gives the same text, so a committed copy can be compared byte for byte.
 */
export async function openApiTypes(document: object, header: string): Promise<string> {
  const ast = await openapiTS(structuredClone(document) as OpenAPI3, { silent: true });
  return `${header.trimEnd()}\n\n${astToString(ast)}`;
}
