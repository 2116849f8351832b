import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { addressed, consumptionsOf, deadLetterSubject, instanceName, type CellDescriptor } from '@retail/descriptor';
import { createEvent, eventOrigin, wireSubject } from '@retail/events';
import { cells, systemCells } from '@retail/topology';
import { asyncApiDocument, asyncApiJson, deadLetterChannelId, receiveOperationId, sendOperationId } from './asyncapi.ts';

type Ref = { $ref: string };
type Doc = {
  asyncapi: string;
  servers: Record<string, { host: string; protocol: string }>;
  channels: Record<
    string,
    {
      address: string;
      parameters?: Record<string, unknown>;
      messages: Record<string, Ref>;
      'x-stream': string;
      'x-producer': { cell: string; component: string };
      'x-consumers': { cell: string; component: string }[];
    }
  >;
  operations: Record<string, { action: string; channel: Ref; messages: Ref[] }>;
  components: { messages: Record<string, { payload: unknown }>; schemas: Record<string, unknown> };
};

const doc = asyncApiDocument(cells) as Doc;
const COMMITTED = new URL('../asyncapi.json', import.meta.url);

describe('the AsyncAPI document', () => {
  it('is valid AsyncAPI 3.0.0 by the official parser (the specification’s schema and its rules)', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.parse(asyncApiJson(cells)));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((e) => `${e.path.join('/')}: ${e.message}`)).toEqual([]);
    // Only information is left: 3.1.0 exists (the system targets 3.0.0).
    expect(diagnostics.filter((d) => d.severity === 1).map((d) => d.message)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(document?.channels().length).toBe(Object.keys(doc.channels).length);
  });

  it('is the committed shared/contracts/asyncapi.json (run npm run generate:contracts after changing a contract)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(asyncApiJson(cells));
  });

  it('is the same whether from the declared cells or from the running system’s partitions', () => {
    expect(asyncApiJson(systemCells({ ORDERS_PARTITIONS: '3' }))).toBe(asyncApiJson(cells));
  });

  it('names the NATS server from its option, localhost:4222 unless given', () => {
    expect(doc.servers.nats).toMatchObject({ host: 'localhost:4222', protocol: 'nats' });
    expect((asyncApiDocument(cells, { natsHost: 'nats:4222' }) as Doc).servers.nats!.host).toBe('nats:4222');
  });

  it('has every subject any component publishes, with its producer, its stream and a send operation', () => {
    for (const cell of cells) {
      for (const component of cell.components) {
        for (const subject of component.publishes ?? []) {
          const channel = doc.channels[subject];
          expect(channel, subject).toBeDefined();
          expect(channel!['x-producer']).toEqual({ cell: cell.name, component: component.name });
          expect(channel!['x-stream']).toBe(cell.stream);
          const send = doc.operations[sendOperationId(cell.name, component.name, subject)];
          expect(send, `${cell.name}.${component.name} sends ${subject}`).toMatchObject({
            action: 'send',
            channel: { $ref: `#/channels/${subject}` },
          });
        }
      }
    }
  });

  it('has every consumption, with its consumer and a receive operation', () => {
    for (const cell of cells) {
      for (const component of cell.components) {
        for (const { subject } of component.consumes ?? []) {
          expect(doc.channels[subject]?.['x-consumers'], subject).toContainEqual({ cell: cell.name, component: component.name });
          expect(doc.operations[receiveOperationId(cell.name, component.name, subject)]).toMatchObject({
            action: 'receive',
            channel: { $ref: `#/channels/${subject}` },
          });
        }
        if (component.consumes?.length)
          expect(doc.channels[deadLetterChannelId(cell.name, component.name)], 'its dead letters').toBeDefined();
      }
    }
  });

  it('has nothing the descriptors do not say: every event channel is published, every consumer declared', () => {
    const published = new Set(cells.flatMap((c) => c.components.flatMap((component) => component.publishes ?? [])));
    for (const [id, channel] of Object.entries(doc.channels)) {
      if (id.split('.')[1] === 'dlq') continue;
      expect(published.has(id), id).toBe(true);
      for (const { cell, component } of channel['x-consumers'])
        expect(
          cells
            .find((c) => c.name === cell)
            ?.components.find((c) => c.name === component)
            ?.consumes?.some((c) => c.subject === id),
          `${cell}.${component} consumes ${id}`,
        ).toBe(true);
    }
  });

  it('resolves every operation’s channel and message references', () => {
    const at = (ref: string) =>
      ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
    for (const [id, operation] of Object.entries(doc.operations)) {
      expect(at(operation.channel.$ref), id).toBeDefined();
      for (const message of operation.messages)
        expect((at(message.$ref) as Ref | undefined)?.$ref, id).toMatch(/^#\/components\/messages\//);
    }
  });
});

/** Where the running system sends and reads: the wire subjects each running cell uses must be a channel's address. */
describe('the addresses are the running system’s subjects', () => {
  const running = systemCells({ ORDERS_PARTITIONS: '2' });
  const channelFor = (subject: string) =>
    Object.entries(doc.channels).find(([, channel]) =>
      new RegExp(`^${channel.address.replace(/\./g, '\\.').replace('{partition}', '(?:[a-z][a-z0-9]*-[1-9]|\\*)')}$`).test(subject),
    )?.[0];

  it('as each running cell publishes: partitioned cells and addressed answers carry the partition', () => {
    for (const cell of running) {
      for (const component of cell.components) {
        for (const type of component.publishes ?? []) {
          // An addressed answer goes to the partition that owns the order: orders-2 here.
          const partition = cell.partition ?? (component.addressed?.includes(type) ? 'orders-2' : undefined);
          const event = createEvent({
            ...eventOrigin(cell, component.name),
            ...(partition ? { partition } : {}),
            type,
            subject: 'x',
            data: {},
          });
          expect(channelFor(wireSubject(event)), `${instanceName(cell)}: ${wireSubject(event)}`).toBe(type);
        }
        if (component.consumes?.length)
          expect(channelFor(deadLetterSubject(cell, component.name))).toBe(deadLetterChannelId(cell.name, component.name));
      }
    }
  });

  it('as each running consumer filters its durable consumers', () => {
    for (const cell of running) {
      for (const component of cell.components) {
        if (!component.consumes?.length) continue;
        for (const consumption of consumptionsOf(cell, component.name, running))
          for (const subject of consumption.subjects) expect(channelFor(subject), subject).toBeDefined();
      }
    }
  });

  it('gives addressed channels a {partition} parameter where `addressed` puts the partition', () => {
    for (const [id, channel] of Object.entries(doc.channels)) {
      if (!channel.address.includes('{partition}')) continue;
      expect(channel.parameters?.partition, id).toBeDefined();
      expect(channel.address.replace('{partition}', 'orders-2')).toBe(
        id.split('.')[1] === 'dlq' ? `${id.split('.')[0]}.orders-2.${id.split('.').slice(1).join('.')}` : addressed(id, 'orders-2'),
      );
    }
  });
});

/** The envelope described is the one @retail/events makes and parses. */
describe('the message payloads', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...doc, $id: 'https://retail.invalid/asyncapi.json' });
  const payload = (subject: string) =>
    ajv.compile({ $ref: `https://retail.invalid/asyncapi.json#/components/messages/${subject}/payload` });
  const products = cells.find((c) => c.name === 'products') as CellDescriptor;

  it('accept an event as createEvent makes it, with valid data', () => {
    const event = createEvent({
      ...eventOrigin(products, 'catalog'),
      type: 'products.product.deleted',
      subject: 'KIT-1',
      data: { sku: 'KIT-1', version: 3 },
    });
    const validate = payload('products.product.deleted');
    expect(validate(JSON.parse(JSON.stringify(event))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuse invalid data, another type, a broken envelope, and an addressed event without its partition', () => {
    const event = createEvent({
      source: '/cells/products/catalog',
      type: 'products.product.deleted',
      subject: 'KIT-1',
      data: { sku: 'KIT-1', version: 3 },
    });
    const validate = payload('products.product.deleted');
    expect(validate({ ...event, data: { sku: 'KIT-1' } })).toBe(false);
    expect(validate({ ...event, type: 'products.product.created' })).toBe(false);
    expect(validate({ ...event, specversion: '0.3' })).toBe(false);
    expect(validate({ ...event, time: 'yesterday' })).toBe(false);
    const confirmed = createEvent({
      source: '/cells/inventory/stock',
      type: 'inventory.reservation.confirmed',
      subject: 'o-1',
      data: { orderId: 'o-1', lines: [{ sku: 'KIT-1', quantity: 1 }] },
    });
    expect(payload('inventory.reservation.confirmed')(confirmed)).toBe(false);
    expect(payload('inventory.reservation.confirmed')({ ...confirmed, partition: 'orders-2' })).toBe(true);
  });
});
