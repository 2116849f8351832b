import {
  addressed,
  consumedByStream,
  partitionNames,
  streamLimits,
  type CellDescriptor,
  type ComponentDescriptor,
} from '@retail/descriptor';
import { SchemaNames, type JsonSchema } from './json-schema.ts';

/**
 * The AsyncAPI 3.0 event catalog of the system, generated from the cell descriptors: one channel per
 * subject a cell publishes (its `events` schema as the CloudEvent's `data`), who publishes it and who
 * consumes it, and one channel per consumer's dead letters. Deterministic (sorted keys), so that a
 * committed copy can be compared with it.
 */

export interface AsyncApiOptions {
  /** The NATS server in `servers` (host and port); `localhost:4222` unless given. */
  natsHost?: string;
  /** The document's `info.version`. */
  version?: string;
}

/** The media type of every event message: a CloudEvents 1.0 structured-mode JSON envelope. */
const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
/** A dead letter carries the bytes it was given, whatever they were. */
const DEAD_LETTER_CONTENT_TYPE = 'application/octet-stream';
/** The channel parameter that names a partition in an address, `orders.{partition}.order.placed`. */
const PARTITION_PARAMETER = 'partition';
const PARTITION = `{${PARTITION_PARAMETER}}`;
/** `orders-2`, as `isPartitionName` of @retail/descriptor has it. */
const PARTITION_PATTERN = '^[a-z][a-z0-9]*-[1-9]$';

const DEAD_LETTER_MESSAGE = 'DeadLetter';
const DEAD_LETTERS_TAG = 'dead-letters';

interface ComponentRef {
  cell: string;
  component: string;
}

const byRef = (a: ComponentRef, b: ComponentRef) => a.cell.localeCompare(b.cell) || a.component.localeCompare(b.component);
const sortedObject = <T>(entries: Iterable<[string, T]>): Record<string, T> =>
  Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)));
const pointer = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');
const ref = (...path: string[]) => ({ $ref: `#/${path.map(pointer).join('/')}` });

/**
 * The cells as declared: a partition of a partitioned cell (`partitionOf`) stands for its cell, once, with
 * the cell's own stream name, so that the running system's cells (`systemCells()`) give the same document.
 */
function declaredCells(cells: readonly CellDescriptor[]): CellDescriptor[] {
  const byName = new Map<string, CellDescriptor>();
  for (const cell of cells) {
    if (byName.has(cell.name)) continue;
    const { partition, ...declared } = cell;
    byName.set(cell.name, partition ? { ...declared, stream: cell.stream.replace(/_\d+$/, '') } : cell);
  }
  return [...byName.values()];
}

/** Whether `subject`, published by `component` of `cell`, travels addressed to a partition (`addressed` in partitions.ts). */
const isAddressed = (cell: CellDescriptor, component: ComponentDescriptor, subject: string) =>
  cell.partitions !== undefined || (component.addressed ?? []).includes(subject);

/** The envelope every event travels in: the fields of `cloudEventSchema` in @retail/events. */
function cloudEventSchema(): JsonSchema {
  return {
    type: 'object',
    description:
      'CloudEvents 1.0 in structured mode: the envelope is the message, JSON, its `data` the payload of the event type. Further extension attributes may appear and are ignored.',
    properties: {
      specversion: { type: 'string', const: '1.0' },
      id: {
        type: 'string',
        minLength: 1,
        description:
          'Unique per event (a UUID): also the `Nats-Msg-Id` header, so that JetStream drops a re-publish, and what consumers record in their inbox to apply an event once.',
      },
      source: {
        type: 'string',
        minLength: 1,
        description: 'The component that published it, `/cells/<cell or partition>/<component>`.',
        examples: ['/cells/products/catalog', '/cells/orders-2/orders'],
      },
      type: {
        type: 'string',
        minLength: 1,
        description: 'The event type: the channel’s subject without a partition, e.g. `orders.order.placed`.',
      },
      subject: { type: 'string', description: 'What the event is about: a SKU, an order id, a shipment id, a customer id.' },
      partition: {
        type: 'string',
        pattern: PARTITION_PATTERN,
        description:
          'Extension attribute: the partition that owns what the event is about (`orders-2`). Present exactly when the subject is addressed to a partition, and the same as the partition in it.',
      },
      time: { type: 'string', format: 'date-time', description: 'When it happened (RFC 3339, with an offset).' },
      datacontenttype: { type: 'string', const: 'application/json' },
      data: { description: 'The payload: its schema depends on `type`.' },
    },
    required: ['specversion', 'id', 'source', 'type', 'time', 'data'],
  };
}

const eventHeadersSchema = (): JsonSchema => ({
  type: 'object',
  description: 'NATS headers of an event as the outbox relay publishes it.',
  properties: {
    'Nats-Msg-Id': { type: 'string', description: 'The event’s `id`: JetStream de-duplicates publishes on it.' },
    traceparent: { type: 'string', description: 'W3C trace context of the work that caused the event: consumers continue the trace.' },
    tracestate: { type: 'string', description: 'W3C trace state, with `traceparent`.' },
  },
});

const deadLetterHeadersSchema = (): JsonSchema => ({
  type: 'object',
  description: 'Why and from where a consumer dead-lettered a message.',
  properties: {
    'Dlq-Reason': {
      type: 'string',
      maxLength: 512,
      description: 'What was wrong: not a CloudEvent, unknown type, invalid data, or the handler’s last error.',
    },
    'Dlq-Original-Subject': { type: 'string', description: 'The subject the message was read from.' },
    'Dlq-Consumer': { type: 'string', description: 'The durable consumer that gave up on it, e.g. `inventory-allocation`.' },
  },
  required: ['Dlq-Reason', 'Dlq-Original-Subject', 'Dlq-Consumer'],
});

/** The partitions a partitioned cell runs by default: examples of the `{partition}` parameter. */
const partitionExamples = (cells: readonly CellDescriptor[]) =>
  cells.flatMap((cell) => (cell.partitions ? partitionNames(cell, cell.partitions.count) : []));

function description(cells: readonly CellDescriptor[]): string {
  const streams = cells.map((cell) => {
    const { maxAgeMs, maxBytes } = streamLimits(cell);
    const limits = `${maxAgeMs / 86_400_000} days, ${maxBytes / 1024 ** 2} MiB`;
    return cell.partitions
      ? `| \`${cell.stream}_<n>\` (one per partition) | \`${cell.name}.${cell.name}-<n>.>\` | ${limits} |`
      : `| \`${cell.stream}\` | \`${cell.name}.>\` | ${limits} |`;
  });
  return [
    'Every event of the Cellular Retail system: who publishes it, who consumes it, and what it carries. Generated from the cell descriptors (`events`, `publishes`, `consumes`, `addressed`).',
    '',
    '**Envelope.** Each message is a CloudEvents 1.0 structured JSON envelope (`specversion`, `id`, `source`, `type`, `subject`, `time`, `datacontenttype`, and the extension attribute `partition`), published through a transactional outbox with `Nats-Msg-Id` = `id`; `data` is the event’s payload, whose schema each channel gives.',
    '',
    '**Streams.** Each cell publishes only on its own subjects, held by its own JetStream stream; consumers are durable pull consumers with explicit acks:',
    '',
    '| Stream | Subjects | Keeps at most |',
    '| --- | --- | --- |',
    ...streams,
    '',
    '**Partitions.** A partitioned cell publishes on `<cell>.<partition>.<rest>`, and a global cell addresses its answers about what a partition owns to that partition alone (`inventory.orders-2.reservation.confirmed`): such channels have a `{partition}` parameter, the same as the envelope’s `partition`. The event `type` is always the subject without the partition.',
    '',
    '**Dead letters.** What a consumer cannot process goes, unchanged, to `<cell>.dlq.<component>` on the consuming cell’s own stream, with headers saying why.',
  ].join('\n');
}

interface Channel {
  id: string;
  cell: CellDescriptor;
  address: string;
  addressedTo: boolean;
  producer: ComponentRef;
  consumers: ComponentRef[];
}

/** Every subject the cells publish, with its producer and its consumers. */
function eventChannels(cells: readonly CellDescriptor[]): Map<string, Channel> {
  const channels = new Map<string, Channel>();
  for (const cell of cells) {
    for (const component of cell.components) {
      for (const subject of component.publishes ?? []) {
        const known = channels.get(subject);
        if (known)
          throw new Error(
            `${subject} is published by both ${known.producer.cell}.${known.producer.component} and ${cell.name}.${component.name}`,
          );
        const addressedTo = isAddressed(cell, component, subject);
        channels.set(subject, {
          id: subject,
          cell,
          address: addressedTo ? addressed(subject, PARTITION) : subject,
          addressedTo,
          producer: { cell: cell.name, component: component.name },
          consumers: [],
        });
      }
    }
  }
  for (const cell of cells) {
    for (const component of cell.components) {
      for (const { subject } of component.consumes ?? []) {
        const channel = channels.get(subject);
        if (!channel) throw new Error(`${cell.name}.${component.name} consumes ${subject}, which no cell publishes`);
        channel.consumers.push({ cell: cell.name, component: component.name });
      }
    }
  }
  for (const channel of channels.values()) channel.consumers.sort(byRef);
  return channels;
}

/** `products.catalog.publishes.products.product.created` */
export const sendOperationId = (cell: string, component: string, subject: string) => `${cell}.${component}.publishes.${subject}`;
/** `inventory.allocation.consumes.orders.order.placed` */
export const receiveOperationId = (cell: string, component: string, subject: string) => `${cell}.${component}.consumes.${subject}`;
/** `orders.dlq.checkout`: the channel of a consumer's dead letters (its address has the partition in a partitioned cell). */
export const deadLetterChannelId = (cell: string, component: string) => `${cell}.dlq.${component}`;

/**
 * The AsyncAPI 3.0.0 document of `cells` (the declared cells, `cells` of @retail/topology; the running
 * system's partitions are folded into their cell): its events as CloudEvents over NATS JetStream.
 */
export function asyncApiDocument(cells: readonly CellDescriptor[], options: AsyncApiOptions = {}): JsonSchema {
  const declared = declaredCells(cells);
  const names = new SchemaNames();
  for (const cell of declared) names.add(cell.name, cell.schemas);
  const channels = eventChannels(declared);
  const examples = partitionExamples(declared);

  const channelObjects: [string, JsonSchema][] = [];
  const operations: [string, JsonSchema][] = [];
  const messages: [string, JsonSchema][] = [];

  for (const channel of channels.values()) {
    const { id, cell, producer } = channel;
    const schema = cell.events?.[id];
    if (!schema) throw new Error(`${cell.name} publishes ${id} without a schema in its events`);
    const data = names.ref(schema, `${id.replace(/(^|[.-])(\w)/g, (_, __, c: string) => c.toUpperCase())}Event`);
    const messageRef = ref('channels', id, 'messages', id);
    messages.push([
      id,
      {
        name: id,
        title: id,
        summary: `The ${id} event, published by ${producer.cell}.${producer.component}.`,
        contentType: CLOUDEVENTS_CONTENT_TYPE,
        headers: ref('components', 'schemas', 'EventHeaders'),
        payload: {
          type: 'object',
          allOf: [ref('components', 'schemas', 'CloudEvent')],
          properties: { type: { const: id }, data },
          required: channel.addressedTo ? ['data', PARTITION_PARAMETER] : ['data'],
        },
      },
    ]);
    const partitionOwner = cell.partitions
      ? `The partition of the ${cell.name} cell that publishes it; each partition has its own stream, \`${cell.stream}_<n>\` for \`${cell.name}-<n>\`.`
      : 'The partition that owns what the event is about (an order’s): it alone consumes it.';
    channelObjects.push([
      id,
      {
        address: channel.address,
        title: id,
        description: `Published by ${producer.cell}.${producer.component}${
          channel.consumers.length
            ? `; consumed by ${channel.consumers.map((c) => `${c.cell}.${c.component}`).join(', ')}`
            : '; no cell consumes it'
        }. Stream \`${cell.stream}\`${cell.partitions ? ' (per partition)' : ''}.`,
        ...(channel.addressedTo
          ? {
              parameters: {
                [PARTITION_PARAMETER]: {
                  description: `${partitionOwner} The same as the envelope’s \`partition\`.`,
                  examples,
                  location: `$message.payload#/${PARTITION_PARAMETER}`,
                },
              },
            }
          : {}),
        messages: { [id]: ref('components', 'messages', id) },
        tags: [{ name: cell.name }],
        'x-stream': cell.stream,
        'x-producer': producer,
        'x-consumers': channel.consumers,
      },
    ]);
    operations.push([
      sendOperationId(producer.cell, producer.component, id),
      {
        action: 'send',
        channel: ref('channels', id),
        messages: [messageRef],
        title: `${producer.cell}.${producer.component} publishes ${id}`,
        description: cell.components.find((c) => c.name === producer.component)!.summary,
        tags: [{ name: producer.cell }],
        'x-cell': producer.cell,
        'x-component': producer.component,
      },
    ]);
  }

  for (const cell of declared) {
    for (const component of cell.components) {
      if (!component.consumes?.length) continue;
      for (const [stream, subjects] of consumedByStream(component)) {
        for (const subject of subjects) {
          const channel = channels.get(subject)!;
          // A global consumer reads what is addressed to any partition; a partition reads its own.
          const filter = !channel.addressedTo
            ? subject
            : channel.cell.partitions
              ? channel.address
              : addressed(subject, cell.partitions ? PARTITION : '*');
          operations.push([
            receiveOperationId(cell.name, component.name, subject),
            {
              action: 'receive',
              channel: ref('channels', subject),
              messages: [ref('channels', subject, 'messages', subject)],
              title: `${cell.name}.${component.name} consumes ${subject}`,
              description: component.summary,
              tags: [{ name: cell.name }],
              'x-cell': cell.name,
              'x-component': component.name,
              'x-stream': stream,
              'x-durable': `${cell.partitions ? PARTITION : cell.name}-${component.name}`,
              'x-filter': filter,
            },
          ]);
        }
      }
      const dlq = deadLetterChannelId(cell.name, component.name);
      channelObjects.push([
        dlq,
        {
          address: cell.partitions ? `${cell.name}.${PARTITION}.dlq.${component.name}` : dlq,
          title: dlq,
          description: `What ${cell.name}.${component.name} could not process, unchanged, with the reason in its headers. Stream \`${cell.stream}\`${
            cell.partitions ? ' (per partition)' : ''
          }. Operators read it; no component consumes it.`,
          ...(cell.partitions
            ? {
                parameters: {
                  [PARTITION_PARAMETER]: {
                    description: `The partition of the ${cell.name} cell whose consumer dead-lettered it.`,
                    examples,
                  },
                },
              }
            : {}),
          messages: { [DEAD_LETTER_MESSAGE]: ref('components', 'messages', DEAD_LETTER_MESSAGE) },
          tags: [{ name: cell.name }, { name: DEAD_LETTERS_TAG }],
          'x-stream': cell.stream,
          'x-producer': { cell: cell.name, component: component.name },
          'x-consumers': [],
        },
      ]);
      operations.push([
        `${cell.name}.${component.name}.dead-letters`,
        {
          action: 'send',
          channel: ref('channels', dlq),
          messages: [ref('channels', dlq, 'messages', DEAD_LETTER_MESSAGE)],
          title: `${cell.name}.${component.name} dead-letters what it cannot process`,
          tags: [{ name: cell.name }, { name: DEAD_LETTERS_TAG }],
          'x-cell': cell.name,
          'x-component': component.name,
        },
      ]);
    }
  }

  messages.push([
    DEAD_LETTER_MESSAGE,
    {
      name: DEAD_LETTER_MESSAGE,
      title: 'Dead letter',
      summary: 'A message a consumer gave up on, as it was read (not necessarily JSON, nor a CloudEvent).',
      contentType: DEAD_LETTER_CONTENT_TYPE,
      headers: ref('components', 'schemas', 'DeadLetterHeaders'),
      payload: { description: 'The original message’s bytes.' },
    },
  ]);

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Cellular Retail events',
      version: options.version ?? '1.0.0',
      description: description(declared),
      tags: [
        ...declared.map((cell) => ({ name: cell.name, description: cell.summary })),
        { name: DEAD_LETTERS_TAG, description: 'What consumers could not process.' },
      ],
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    servers: {
      nats: {
        host: options.natsHost ?? 'localhost:4222',
        protocol: 'nats',
        title: 'NATS with JetStream',
        description:
          'Each cell’s services connect as the cell’s own NATS user, which may publish only on the cell’s subjects (a partition’s: `<cell>.<partition>.>`) and read only the durable consumers its descriptor declares.',
      },
    },
    channels: sortedObject(channelObjects),
    operations: sortedObject(operations),
    components: {
      schemas: sortedObject([
        // Without the `$id`s the converter gives them: a `$ref` names a component by its place in the document.
        ...Object.entries(names.components()).map(([name, { $id: _, ...schema }]): [string, JsonSchema] => [name, schema]),
        ['CloudEvent', cloudEventSchema()],
        ['EventHeaders', eventHeadersSchema()],
        ['DeadLetterHeaders', deadLetterHeadersSchema()],
      ]),
      messages: sortedObject(messages),
    },
  };
}

/** The document as committed and served: two-space JSON with a final newline. */
export const asyncApiJson = (cells: readonly CellDescriptor[], options?: AsyncApiOptions) =>
  `${JSON.stringify(asyncApiDocument(cells, options), null, 2)}\n`;
