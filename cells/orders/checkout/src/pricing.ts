import { HttpError, type HttpClient } from '@retail/http-client';
import { ServiceUnavailableError, ValidationError, type FieldError, type Logger } from '@retail/kernel';
import type { OrderLine, PlaceOrder } from '@retail/orders-contract';
import { priceListSchema, type PriceList } from '@retail/products-contract';

/** Authoritative current prices of SKUs (never what the client says they cost). */
export type PriceSource = (skus: string[]) => Promise<PriceList>;

export interface PricedLines {
  lines: OrderLine[];
  /** Minor units. */
  total: number;
  currency: PriceList['items'][number]['price']['currency'];
}

/** Prices from the products cell's `GET /prices`, through its gateway, with this cell's client-credentials token. */
export function productsPriceSource(client: HttpClient, logger: Logger): PriceSource {
  return async (skus) => {
    const query = new URLSearchParams(skus.map((sku): [string, string] => ['sku', sku]));
    let answer: Awaited<ReturnType<HttpClient['request']>>;
    try {
      answer = await client.request('GET', `/prices?${query}`);
    } catch (error) {
      // A 4xx here is not the customer's doing (a refused token, a changed route): say "not now", log the why.
      if (!(error instanceof HttpError)) throw error;
      logger.error({ status: error.status, body: error.body }, 'the products cell refused to price an order');
      throw new ServiceUnavailableError('Prices cannot be read right now; try again shortly.');
    }
    const prices = priceListSchema.safeParse(answer.body);
    if (!prices.success) {
      logger.error({ issues: prices.error.issues }, 'the products cell answered with an unreadable price list');
      throw new ServiceUnavailableError('Prices cannot be read right now; try again shortly.');
    }
    return prices.data;
  };
}

/** Price every line: unknown SKUs and lines in different currencies are the customer's to fix (400). */
export function priceLines(lines: PlaceOrder['lines'], prices: PriceList): PricedLines {
  const bySku = new Map(prices.items.map((item) => [item.sku, item]));
  const unknown: FieldError[] = lines.flatMap((line, i) =>
    bySku.has(line.sku) ? [] : [{ path: `lines.${i}.sku`, message: `There is no product with SKU ${line.sku}.` }],
  );
  if (unknown.length > 0) throw new ValidationError(unknown, 'The order names products that do not exist.');

  const priced = lines.map((line) => {
    const item = bySku.get(line.sku)!;
    return {
      sku: line.sku,
      name: item.name,
      quantity: line.quantity,
      unitPrice: item.price.amount,
      lineTotal: item.price.amount * line.quantity,
      currency: item.price.currency,
    };
  });
  const currency = priced[0]!.currency;
  const foreign = priced.flatMap((line, i) =>
    line.currency === currency
      ? []
      : [{ path: `lines.${i}.sku`, message: `${line.sku} is priced in ${line.currency}, the order in ${currency}.` }],
  );
  if (foreign.length > 0)
    throw new ValidationError(foreign, 'All products of one order must be priced in the same currency; place separate orders.');

  return {
    lines: priced.map(({ currency: _, ...line }) => line),
    total: priced.reduce((sum, line) => sum + line.lineTotal, 0),
    currency,
  };
}
