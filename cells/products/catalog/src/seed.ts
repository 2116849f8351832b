import { eq } from 'drizzle-orm';
import type { CreateProduct } from '@retail/products-contract';
import type { Catalog, CatalogDb } from './catalog.ts';
import { settings } from './db/schema.ts';

const usd = (amount: number) => ({ amount, currency: 'USD' as const });
const image = (sku: string) => `https://images.example.com/products/${sku.toLowerCase()}.jpg`;

/** The demo catalog: realistic enough to search, filter and sort. */
export const demoCatalog: CreateProduct[] = [
  ['KIT-CHEF-KNIFE', 'Chef’s Knife 8"', 'Forged high-carbon steel chef’s knife with a full tang and riveted handle.', 'kitchen', 8900],
  ['KIT-CAST-SKILLET', 'Cast Iron Skillet 12"', 'Pre-seasoned cast iron skillet for searing, baking and frying.', 'kitchen', 4500],
  ['KIT-POUR-OVER', 'Pour-Over Coffee Set', 'Ceramic dripper, glass carafe and 100 paper filters.', 'kitchen', 3900],
  ['KIT-CUTTING-BOARD', 'End-Grain Cutting Board', 'Walnut end-grain board, 40 × 30 cm, gentle on knife edges.', 'kitchen', 7200],
  ['KIT-DUTCH-OVEN', 'Enamelled Dutch Oven 5 qt', 'Enamelled cast iron pot for braises, stews and bread.', 'kitchen', 12900],
  ['OUT-TENT-2P', 'Ultralight Tent, 2 Person', 'Freestanding three-season tent, 1.4 kg packed.', 'outdoor', 34900],
  ['OUT-SLEEP-BAG', 'Down Sleeping Bag -5°C', '700-fill down mummy bag with a water-resistant shell.', 'outdoor', 27900],
  ['OUT-HEADLAMP', 'Rechargeable Headlamp', '400 lumen USB-C headlamp with red night mode.', 'outdoor', 3900],
  ['OUT-WATER-FILTER', 'Squeeze Water Filter', 'Hollow-fibre filter removing 99.9999% of bacteria.', 'outdoor', 3400],
  ['OUT-TREK-POLES', 'Carbon Trekking Poles', 'Pair of adjustable carbon poles with cork grips.', 'outdoor', 11900],
  ['APP-MERINO-TEE', 'Merino Wool T-Shirt', '150 g/m² merino tee that does not hold odour.', 'apparel', 6500],
  ['APP-RAIN-SHELL', 'Waterproof Rain Shell', 'Three-layer breathable shell with pit zips.', 'apparel', 18900],
  ['APP-WOOL-SOCKS', 'Hiking Socks, 3 Pack', 'Cushioned merino-blend socks for long days.', 'apparel', 2900],
  ['APP-FLEECE', 'Grid Fleece Jacket', 'Light grid fleece for layering, full zip.', 'apparel', 9900],
  ['ELE-BT-SPEAKER', 'Portable Bluetooth Speaker', 'Waterproof speaker with 20 hours of playback.', 'electronics', 7900],
  ['ELE-NC-HEADPHONES', 'Noise-Cancelling Headphones', 'Over-ear headphones with adaptive noise cancelling.', 'electronics', 29900],
  ['ELE-POWER-BANK', 'Power Bank 20,000 mAh', 'USB-C PD power bank that charges a laptop.', 'electronics', 4900],
  ['ELE-E-READER', 'E-Reader 7"', 'Glare-free 300 ppi screen with warm light.', 'electronics', 14900],
  ['HOM-LINEN-SHEETS', 'Linen Sheet Set, Queen', 'Stone-washed European flax linen, four pieces.', 'home', 19900],
  ['HOM-DESK-LAMP', 'LED Desk Lamp', 'Dimmable desk lamp with adjustable colour temperature.', 'home', 5900],
  ['HOM-WOOL-THROW', 'Wool Throw Blanket', 'Woven lambswool throw, 130 × 180 cm.', 'home', 8900],
  ['HOM-PLANTER', 'Ceramic Planter Set', 'Three glazed planters with drainage and saucers.', 'home', 4200],
  ['BOO-FIELD-GUIDE', 'Field Guide to Birds', 'Illustrated guide to 800 North American species.', 'books', 2800],
  ['BOO-COOKBOOK', 'The Weeknight Cookbook', '120 recipes that take 30 minutes or less.', 'books', 3200],
].map(([sku, name, description, category, price]) => ({
  sku: sku as string,
  name: name as string,
  description: description as string,
  category: category as string,
  price: usd(price as number),
  imageUrl: image(sku as string),
}));

const SEEDED = 'demo-catalog-seeded';

/** Seed the demo catalog once per database; deleting products later does not bring them back. */
export function seedDemoCatalog(db: CatalogDb, catalog: Catalog): number {
  if (db.select().from(settings).where(eq(settings.key, SEEDED)).get()) return 0;
  db.transaction((tx) => {
    for (const product of demoCatalog) catalog.create(product);
    tx.insert(settings).values({ key: SEEDED, value: new Date().toISOString() }).run();
  });
  return demoCatalog.length;
}
