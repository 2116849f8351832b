/** Events the products cell publishes, on its stream PRODUCTS (`products.>`). */
export const ProductSubjects = {
  created: 'products.product.created',
  updated: 'products.product.updated',
  deleted: 'products.product.deleted',
} as const;

export const ProductsStream = 'PRODUCTS';
