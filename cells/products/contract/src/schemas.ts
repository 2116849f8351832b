import { z } from 'zod';

export const skuSchema = z.string().regex(/^[A-Z0-9][A-Z0-9-]{2,31}$/, 'SKU: 3–32 characters, upper-case letters, digits and dashes');

export const currencySchema = z.enum(['USD', 'EUR', 'GBP']);

/** Money in minor units (cents), never floats. */
export const priceSchema = z.strictObject({
  amount: z.number().int('amount is in minor units (an integer)').min(0).max(100_000_000),
  currency: currencySchema,
});

export const categorySchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'category: a lower-case slug such as "kitchen"');

const productFields = {
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000),
  category: categorySchema,
  price: priceSchema,
  imageUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .nullable(),
};

export const createProductSchema = z.strictObject({
  sku: skuSchema,
  ...productFields,
  description: productFields.description.default(''),
  imageUrl: productFields.imageUrl.default(null),
});

/** PATCH: only the fields sent change (no defaults here, or a patch would reset what it did not mention). */
export const updateProductSchema = z
  .strictObject(productFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Send at least one field to change' });

export const productSchema = z.object({
  sku: skuSchema,
  name: z.string(),
  description: z.string(),
  category: categorySchema,
  price: priceSchema,
  imageUrl: z.string().nullable(),
  /** Increases by one on every change; consumers use it to ignore stale updates. */
  version: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const availabilitySchema = z.object({
  status: z.enum(['unknown', 'in_stock', 'low_stock', 'out_of_stock']),
  /** Units that can still be ordered; null while the inventory cell has not reported. */
  available: z.number().int().nullable(),
});

export const catalogItemSchema = productSchema.omit({ version: true, createdAt: true }).extend({ availability: availabilitySchema });

export const sortSchema = z.enum(['name', '-name', 'price', '-price', 'newest']);

export const listProductsQuerySchema = z.strictObject({
  q: z.string().trim().max(100).optional(),
  category: categorySchema.optional(),
  sort: sortSchema.default('name'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const productPageSchema = z.object({
  items: z.array(catalogItemSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

/** `GET /prices?sku=A&sku=B`: what checkout prices an order with. */
export const priceQuerySchema = z.strictObject({ sku: z.array(skuSchema).min(1).max(50) });

export const priceListSchema = z.object({
  items: z.array(z.object({ sku: skuSchema, name: z.string(), price: priceSchema })),
  /** Requested SKUs the catalog does not have. */
  missing: z.array(z.string()),
});

export const productEventSchema = z.object({ product: productSchema });
export const productDeletedEventSchema = z.object({ sku: skuSchema, version: z.number().int().positive() });

export type CreateProduct = z.infer<typeof createProductSchema>;
export type UpdateProduct = z.infer<typeof updateProductSchema>;
export type Product = z.infer<typeof productSchema>;
export type Availability = z.infer<typeof availabilitySchema>;
export type CatalogItem = z.infer<typeof catalogItemSchema>;
export type ListProductsQuery = z.infer<typeof listProductsQuerySchema>;
export type ProductPage = z.infer<typeof productPageSchema>;
export type PriceList = z.infer<typeof priceListSchema>;
export type ProductEvent = z.infer<typeof productEventSchema>;
export type ProductDeletedEvent = z.infer<typeof productDeletedEventSchema>;
