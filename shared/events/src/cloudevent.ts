import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** CloudEvents 1.0 structured JSON envelope. `type` equals the NATS subject, e.g. `products.product.created`. */
export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().optional(),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json').default('application/json'),
  data: z.unknown(),
});

export type CloudEvent<T = unknown> = Omit<z.infer<typeof cloudEventSchema>, 'data'> & { data: T };

export interface NewEvent<T> {
  /** e.g. `/cells/products/catalog` */
  source: string;
  /** The subject it is published on, e.g. `products.product.created`. */
  type: string;
  /** The entity it is about, e.g. the SKU. */
  subject: string;
  data: T;
}

export function createEvent<T>(event: NewEvent<T>): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: event.source,
    type: event.type,
    subject: event.subject,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: event.data,
  };
}

const utf8 = new TextDecoder();

/** Parse bytes off the wire into an envelope; throws on anything that is not a CloudEvent. */
export function parseCloudEvent(bytes: Uint8Array): CloudEvent {
  const json: unknown = JSON.parse(utf8.decode(bytes));
  return cloudEventSchema.parse(json) as CloudEvent;
}
