export { createApp, type CatalogDeps } from './app.ts';
export { createCatalog, type Catalog } from './catalog.ts';
export { demoCatalog } from './seed.ts';
export { openOwnDatabase } from './db/open.ts';
