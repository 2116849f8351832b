import { defineCell } from '@retail/descriptor';
import * as productSchemas from './schemas.ts';
import { z } from 'zod';
import {
  catalogItemSchema,
  createProductSchema,
  listProductsQuerySchema,
  priceListSchema,
  priceQuerySchema,
  productDeletedEventSchema,
  productEventSchema,
  productPageSchema,
  productSchema,
  skuSchema,
  updateProductSchema,
} from './schemas.ts';
import { ProductSubjects, ProductsStream } from './subjects.ts';

const bySku = z.object({ sku: skuSchema });
const created = { Location: { description: 'The new product’s path', statuses: [201] } } as const;
/** Optimistic concurrency: a product's version as its ETag, and the If-Match a change must carry. */
const etag = {
  ETag: { description: 'The product’s version, `"v<version>"`: send it in `If-Match` to change the product', statuses: [200, 201] },
} as const;
const ifMatch = {
  'If-Match': {
    description: 'The ETag of the version the change is made against: 428 without it, 412 once the product has changed',
    required: true,
  },
} as const;

export const ProductScopes = {
  write: 'products:write',
  /** Another cell reading authoritative prices (`GET /prices`); the orders cell prices from its own projection of the product events instead. */
  readPrices: 'prices:read',
} as const;

/**
 * The products cell, declared once. Other cells' subjects appear here as plain strings, so that contracts
 * never form import cycles (event choreography is circular); a test checks each against its producer.
 * Everything that must agree with the topology is derived from this.
 */
export const productsCell = defineCell({
  name: 'products',
  summary: 'The product catalog, and the public, searchable view of it with availability.',
  stream: ProductsStream,
  schemas: productSchemas,
  events: {
    [ProductSubjects.created]: productEventSchema,
    [ProductSubjects.updated]: productEventSchema,
    [ProductSubjects.deleted]: productDeletedEventSchema,
  },
  gateway: { port: 4100 },
  components: [
    {
      name: 'catalog',
      kind: 'core',
      port: 4101,
      datastore: 'catalog.db',
      publishes: [ProductSubjects.created, ProductSubjects.updated, ProductSubjects.deleted],
      summary: 'Owns the product aggregate: SKU, name, description, category, price, image. Admin writes.',
    },
    {
      name: 'browse',
      kind: 'composite',
      port: 4102,
      datastore: 'browse.db',
      consumes: [
        { stream: 'PRODUCTS', subject: ProductSubjects.created },
        { stream: 'PRODUCTS', subject: ProductSubjects.updated },
        { stream: 'PRODUCTS', subject: ProductSubjects.deleted },
        { stream: 'INVENTORY', subject: 'inventory.stock.changed' },
      ],
      summary: 'Public listing, search and product detail, from a projection of catalog and stock events.',
    },
  ],
  routes: [
    {
      method: 'GET',
      path: '/products',
      component: 'browse',
      access: 'public',
      summary: 'Search and list products with availability',
      contract: { query: listProductsQuerySchema, responses: { 200: productPageSchema } },
    },
    {
      method: 'GET',
      path: '/products/:sku',
      component: 'browse',
      access: 'public',
      summary: 'One product with availability',
      contract: { params: bySku, responses: { 200: catalogItemSchema }, responseHeaders: etag, problems: [404] },
    },
    {
      method: 'POST',
      path: '/products',
      component: 'catalog',
      access: 'token',
      scopes: [ProductScopes.write],
      summary: 'Create a product (admin)',
      contract: { body: createProductSchema, responses: { 201: productSchema }, responseHeaders: { ...created, ...etag }, problems: [409] },
    },
    {
      method: 'PATCH',
      path: '/products/:sku',
      component: 'catalog',
      access: 'token',
      scopes: [ProductScopes.write],
      summary: 'Change a product (admin)',
      contract: {
        params: bySku,
        body: updateProductSchema,
        headers: ifMatch,
        responses: { 200: productSchema },
        responseHeaders: etag,
        problems: [404, 412, 428],
      },
    },
    {
      method: 'DELETE',
      path: '/products/:sku',
      component: 'catalog',
      access: 'token',
      scopes: [ProductScopes.write],
      summary: 'Delete a product (admin)',
      contract: { params: bySku, headers: ifMatch, responses: { 204: null }, problems: [404, 412, 428] },
    },
    {
      method: 'GET',
      path: '/prices',
      component: 'catalog',
      access: 'token',
      scopes: [ProductScopes.readPrices],
      callers: 'cell',
      summary: 'Authoritative prices of SKUs, for other cells',
      contract: { query: priceQuerySchema, responses: { 200: priceListSchema } },
    },
  ],
});
