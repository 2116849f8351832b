import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { context, metrics, trace, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { z } from 'zod';
import { firstDelivery, type Db, type Tx } from '@retail/data';
import type { Logger } from '@retail/kernel';
import type { Bus } from './connection.ts';
import { parseCloudEvent, wireSubject, type CloudEvent } from './cloudevent.ts';
import { unaddressed } from '@retail/descriptor';
import { contextFromHeaders } from './trace.ts';
import { isNotFound, isPermissionDenied } from './streams.ts';
import { coveringFilter, durableConfig, ensureDurable } from './durables.ts';
import { keepInboxPurged } from './inbox-purge.ts';

/** An effect on this component's own database: runs inside the transaction that records the event id in the inbox. */
export interface LocalEventHandler<T = any> {
  schema: z.ZodType<T>;
  handle(tx: Tx<any>, data: T, event: CloudEvent<T>): void;
}

/**
 * An effect elsewhere (a composite commanding its cell's core service over HTTP). The event id travels
 * as the command's Idempotency-Key, and the core records it in its inbox in the same transaction as the
 * effect, so redelivery is harmless there too. Throw PermanentEventError for an answer that retrying
 * cannot change (the event is dead-lettered at once).
 */
export interface RemoteEventHandler<T = any> {
  schema: z.ZodType<T>;
  apply(data: T, event: CloudEvent<T>): Promise<void>;
}

export type EventHandler<T = any> = LocalEventHandler<T> | RemoteEventHandler<T>;

export class PermanentEventError extends Error {}

/** The durable on an authorized bus is not what this consumer needs, and its user may not fix it. */
class Unprovisioned extends Error {}

export interface ConsumerOptions {
  bus: Bus;
  /** Needed when any handler is local. */
  db?: Db<any>;
  /** The stream that holds the subjects, e.g. `INVENTORY`. */
  stream: string;
  /** Durable name `<cell>-<component>`. */
  durable: string;
  /** Handlers by event type (the subject, without a partition: see `unaddressed`). Only these subjects are consumed. */
  handlers: Record<string, EventHandler>;
  /** The durable's filter subject; by default the one covering the handlers' subjects (`coveringFilter`). */
  filter?: string;
  /** Where poison messages go, on the consuming cell's own stream: `<cell>.dlq.<component>`. */
  deadLetterSubject: string;
  logger: Logger;
  /** Attempts before a failing handler's event is dead-lettered (default 5). */
  maxDeliver?: number;
  /**
   * Events handled at once (default 32). Events about the same thing (the CloudEvent `subject`: an order
   * id, a SKU) are handled one after another in stream order; only different ones overlap, so a handler
   * that commands its cell's core over HTTP does not make every other order wait for that call. In
   * `npm run bench` on 2 cores (2000 orders from 64 clients), one at a time confirmed 179 orders/s with
   * placed → CONFIRMED at 4.8 s p50, the queue growing for as long as orders came in; 32 at once, 232/s
   * at 0.3 s p50, and less CPU per order (8.4 instead of 10.9 ms: the outbox relays and NATS writes
   * carry many events per round instead of one). 1 gives strict stream order across subjects.
   */
  concurrency?: number;
}

export interface RunningConsumer {
  /** Messages handled (applied, duplicates skipped, or dead-lettered) since start. */
  handled(): number;
  stop(): Promise<void>;
}

const tracer = trace.getTracer('@retail/events');
const meter = metrics.getMeter('@retail/events');
/** Per consumer and subject: rate (count), errors (outcome retry/dead_letter) and duration. */
const processDuration = meter.createHistogram('messaging.process.duration', {
  unit: 's',
  description: 'Time to handle one event, by consumer, subject and outcome (ack, retry, dead_letter)',
});
/** Messages in the stream that the consumer has not yet acknowledged (pending + in flight). */
const consumerLag = meter.createObservableGauge('messaging.consumer.lag', {
  unit: '{message}',
  description: 'Events not yet handled by the consumer',
});
const lagSources = new Set<() => Promise<{ durable: string; stream: string; lag: number } | undefined>>();
consumerLag.addCallback(async (result) => {
  const readings = await Promise.all([...lagSources].map((read) => read().catch(() => undefined)));
  for (const r of readings)
    if (r) result.observe(r.lag, { 'messaging.consumer.group.name': r.durable, 'messaging.destination.name': r.stream });
});

/**
 * A durable pull consumer with explicit acks. Malformed, unknown and invalid events are dead-lettered at
 * once; a handler that keeps failing is dead-lettered after `maxDeliver` attempts; the consumer keeps going.
 * A stream that does not exist yet (its cell not started) is waited for. With a database, the ids of
 * handled events go to its inbox, and ids older than the topology's `inboxRetentionMs` are purged.
 */
export function startConsumer(options: ConsumerOptions): RunningConsumer {
  const { bus, db, stream, durable, handlers, logger, maxDeliver = 5, concurrency = 32 } = options;
  const lanes = createLanes(concurrency);
  const log = logger.child({ consumer: durable, stream });
  const subjects = Object.keys(handlers);
  const filter = options.filter ?? coveringFilter(subjects);
  let stopped = false;
  let current: ConsumerMessages | undefined;
  let count = 0;

  const ensureConsumer = async () => {
    try {
      await ensureDurable(bus.jsm, stream, durableConfig({ durable, filter }));
    } catch (error) {
      if (!isPermissionDenied(error)) throw error;
      throw new Unprovisioned(
        `durable ${durable} on ${stream} is missing or differs from the descriptor (filter ${filter}), and this NATS user may not create or change it: provision the bus again (provisionStreams of @retail/events; npm start and compose’s setup do it)`,
      );
    }
  };

  const deadLetter = async (msg: JsMsg, reason: string, span?: Span) => {
    const h = natsHeaders();
    h.set('Dlq-Reason', reason.slice(0, 512));
    h.set('Dlq-Original-Subject', msg.subject);
    h.set('Dlq-Consumer', durable);
    span?.addEvent('dead-lettered', { 'dlq.reason': reason.slice(0, 512), 'dlq.subject': options.deadLetterSubject });
    await bus.js.publish(options.deadLetterSubject, msg.data, { headers: h });
    msg.term(reason.slice(0, 128));
    log.warn({ subject: msg.subject, reason }, 'event dead-lettered');
  };

  const apply = async (event: CloudEvent, handler: EventHandler) => {
    const parsed = handler.schema.safeParse(event.data);
    if (!parsed.success) return { invalid: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    if ('apply' in handler) {
      await handler.apply(parsed.data, { ...event, data: parsed.data });
      return { invalid: undefined };
    }
    if (!db) throw new Error(`${durable}: a local handler needs the component's database`);
    db.transaction((tx) => {
      if (!firstDelivery(tx, { eventId: event.id, consumer: durable, type: event.type })) return; // seen before: redelivery is harmless
      handler.handle(tx, parsed.data, { ...event, data: parsed.data });
    });
    return { invalid: undefined };
  };

  /** The envelope of a handled message, read once (its subject picks the lane); null when it is not one. */
  const envelopeOf = (msg: JsMsg): CloudEvent | null | undefined => {
    // The filter may be wider than the handled subjects (see coveringFilter): the rest is not ours.
    if (!handlers[unaddressed(msg.subject)]) return undefined;
    try {
      return parseCloudEvent(msg.data);
    } catch {
      return null;
    }
  };

  const handleMessage = async (msg: JsMsg, event: CloudEvent | null | undefined) => {
    if (event === undefined) return msg.ack();
    if (event === null) return deadLetter(msg, 'malformed: not a CloudEvents JSON envelope');
    const handler = handlers[event.type];
    if (!handler) return deadLetter(msg, `unknown event type ${event.type} on ${msg.subject}`);
    // An event's subject names the partition it is about: one that says otherwise is not trusted.
    if (wireSubject(event) !== msg.subject)
      return deadLetter(msg, `${event.type} about ${event.partition ?? 'no partition'} arrived on ${msg.subject}`);

    const started = performance.now();
    let outcome = 'ack';
    const parent = contextFromHeaders((key) => msg.headers?.get(key) || undefined);
    const span = tracer.startSpan(
      `${event.type} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.destination.name': msg.subject,
          'messaging.consumer.group.name': durable,
          'messaging.message.id': event.id,
        },
      },
      parent,
    );
    try {
      const { invalid } = await context.with(trace.setSpan(parent, span), () => apply(event, handler));
      if (invalid) {
        outcome = 'dead_letter';
        return await deadLetter(msg, `invalid ${event.type}: ${invalid}`, span);
      }
      msg.ack();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      outcome = 'dead_letter';
      if (error instanceof PermanentEventError) return deadLetter(msg, `refused: ${error.message}`, span);
      if (msg.info.deliveryCount >= maxDeliver)
        return deadLetter(msg, `handler failed ${maxDeliver} times: ${(error as Error).message}`, span);
      outcome = 'retry';
      log.warn({ err: error, attempt: msg.info.deliveryCount }, 'event handler failed; will retry');
      msg.nak(Math.min(10_000, 250 * 2 ** msg.info.deliveryCount));
    } finally {
      span.end();
      processDuration.record((performance.now() - started) / 1000, {
        'messaging.consumer.group.name': durable,
        'messaging.destination.name': msg.subject,
        outcome,
      });
      count++;
    }
  };

  const run = async () => {
    let attempt = 0;
    while (!stopped) {
      try {
        await ensureConsumer();
        const consumer = await bus.js.consumers.get(stream, durable);
        current = await consumer.consume({ max_messages: 256, expires: 5_000 });
        attempt = 0;
        for await (const msg of current) {
          const event = envelopeOf(msg);
          await lanes.admit(event?.subject ?? msg.subject, async () => {
            try {
              await handleMessage(msg, event);
            } catch (error) {
              log.warn({ err: error }, 'could not settle event; it will be redelivered');
            }
          });
        }
        await lanes.drain();
      } catch (error) {
        if (stopped) break;
        attempt++;
        if (attempt === 1 || attempt % 150 === 0) {
          if (isNotFound(error)) log.info(`waiting for stream ${stream} (its cell has not started yet)`);
          else if (error instanceof Unprovisioned) log.error(error.message);
          else log.warn({ err: (error as Error).message }, 'consumer not running yet; retrying');
        }
      }
      if (!stopped) await new Promise((r) => setTimeout(r, Math.min(2_000, 200 * Math.max(1, attempt))));
    }
  };

  const running = run();
  // The inbox this consumer fills is purged while it runs (shared with the database's relay, if any).
  const inboxPurge = db && keepInboxPurged({ db, logger: log });
  const readLag = async () => {
    if (stopped || !current) return undefined;
    const info = await bus.jsm.consumers.info(stream, durable);
    return { durable, stream, lag: info.num_pending + info.num_ack_pending };
  };
  lagSources.add(readLag);
  return {
    handled: () => count,
    stop: async () => {
      inboxPurge?.stop();
      lagSources.delete(readLag);
      stopped = true;
      await current?.close();
      await running;
      await lanes.drain();
    },
  };
}

/**
 * At most `limit` events in progress; one lane per CloudEvent subject keeps the events about one thing
 * in order. `admit` returns once the event has a place, so the pull loop waits while all are busy.
 */
function createLanes(limit: number) {
  const inFlight = new Set<Promise<void>>();
  const tails = new Map<string, Promise<void>>();
  return {
    /** `lane`: what the event is about (its CloudEvent subject). */
    async admit(lane: string, work: () => Promise<void>): Promise<void> {
      while (inFlight.size >= limit) await Promise.race(inFlight);
      // One at a time keeps stream order by itself.
      const key = limit === 1 ? '' : lane;
      const task: Promise<void> = (tails.get(key) ?? Promise.resolve()).then(work).finally(() => {
        inFlight.delete(task);
        if (tails.get(key) === task) tails.delete(key);
      });
      tails.set(key, task);
      inFlight.add(task);
    },
    drain: async () => {
      await Promise.allSettled([...inFlight]);
    },
  };
}
