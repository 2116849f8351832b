/**
 * Opening stock of the demo catalog's SKUs (cells/products/catalog/src/seed.ts), applied when
 * `products.product.created` for one of them arrives. A few are deliberately short, so a demo can
 * show a rejected order and the storefront's low- and out-of-stock badges.
 */
export const demoStock: Readonly<Record<string, number>> = {
  'KIT-CHEF-KNIFE': 40,
  'KIT-CAST-SKILLET': 60,
  'KIT-POUR-OVER': 80,
  'KIT-CUTTING-BOARD': 35,
  'KIT-DUTCH-OVEN': 25,
  'OUT-TENT-2P': 3,
  'OUT-SLEEP-BAG': 20,
  'OUT-HEADLAMP': 100,
  'OUT-WATER-FILTER': 75,
  'OUT-TREK-POLES': 30,
  'APP-MERINO-TEE': 90,
  'APP-RAIN-SHELL': 45,
  'APP-WOOL-SOCKS': 100,
  'APP-FLEECE': 50,
  'ELE-BT-SPEAKER': 55,
  'ELE-NC-HEADPHONES': 20,
  'ELE-POWER-BANK': 70,
  'ELE-E-READER': 2,
  'HOM-LINEN-SHEETS': 0,
  'HOM-DESK-LAMP': 65,
  'HOM-WOOL-THROW': 40,
  'HOM-PLANTER': 85,
  'BOO-FIELD-GUIDE': 60,
  'BOO-COOKBOOK': 95,
};

/** Units a newly created product starts with: its demo figure, or the configured default. */
export const openingStock = (sku: string, newProductStock: number): number => demoStock[sku] ?? newProductStock;
