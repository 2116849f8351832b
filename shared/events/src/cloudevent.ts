import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { addressed, instanceName, isPartitionName, type CellDescriptor } from '@retail/descriptor';

/**
 * CloudEvents 1.0 structured JSON envelope. `type` is the subject, e.g. `products.product.created`; an event
 * about what a partition owns travels addressed to it (`wireSubject`).
 */
export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().optional(),
  /** Extension attribute: the partition that owns what the event is about (`orders-2`); its subject names it. */
  partition: z.string().refine(isPartitionName, 'a partition name such as orders-2').optional(),
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
  /** The partition that owns that entity (an order of `orders-2`): the event goes to it alone. */
  partition?: string;
  data: T;
}

/** Who publishes an event: its `source`, and the partition it runs in when its cell is partitioned. */
export type EventOrigin = Pick<NewEvent<unknown>, 'source' | 'partition'>;

/**
 * The origin of a running cell's component: `/cells/orders-2/orders` in partition `orders-2`,
 * `/cells/products/catalog` in a global cell. Spread it into `createEvent`.
 */
export const eventOrigin = (cell: CellDescriptor, component: string): EventOrigin => ({
  source: `/cells/${instanceName(cell)}/${component}`,
  ...(cell.partition ? { partition: cell.partition } : {}),
});

export function createEvent<T>(event: NewEvent<T>): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: event.source,
    type: event.type,
    subject: event.subject,
    ...(event.partition ? { partition: event.partition } : {}),
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: event.data,
  };
}

/** The NATS subject an event travels on: its type, addressed to its partition when it has one. */
export const wireSubject = (event: Pick<CloudEvent, 'type' | 'partition'>) =>
  event.partition ? addressed(event.type, event.partition) : event.type;

const utf8 = new TextDecoder();

/** Parse bytes off the wire into an envelope; throws on anything that is not a CloudEvent. */
export function parseCloudEvent(bytes: Uint8Array): CloudEvent {
  const json: unknown = JSON.parse(utf8.decode(bytes));
  return cloudEventSchema.parse(json) as CloudEvent;
}
