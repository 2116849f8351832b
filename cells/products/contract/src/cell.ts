import { defineCell } from '@retail/descriptor';
import { ProductSubjects, ProductsStream } from './subjects.ts';

export const ProductScopes = {
  write: 'products:write',
  /** Other cells (the orders cell's checkout) reading authoritative prices. */
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
    { method: 'GET', path: '/products', component: 'browse', access: 'public', summary: 'Search and list products with availability' },
    { method: 'GET', path: '/products/:sku', component: 'browse', access: 'public', summary: 'One product with availability' },
    {
      method: 'POST',
      path: '/products',
      component: 'catalog',
      access: 'token',
      scopes: [ProductScopes.write],
      summary: 'Create a product (admin)',
    },
    {
      method: 'PATCH',
      path: '/products/:sku',
      component: 'catalog',
      access: 'token',
      scopes: [ProductScopes.write],
      summary: 'Change a product (admin)',
    },
    {
      method: 'DELETE',
      path: '/products/:sku',
      component: 'catalog',
      access: 'token',
      scopes: [ProductScopes.write],
      summary: 'Delete a product (admin)',
    },
    {
      method: 'GET',
      path: '/prices',
      component: 'catalog',
      access: 'token',
      scopes: [ProductScopes.readPrices],
      callers: 'cell',
      summary: 'Authoritative prices of SKUs, for other cells',
    },
  ],
});
