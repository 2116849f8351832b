import { asc, isNull, and, isNotNull, lt, eq, count, sql } from 'drizzle-orm';
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { outbox, placeholders, prepared, type Db, type Tx } from '@retail/data';
import type { Logger } from '@retail/kernel';
import { wireSubject, type CloudEvent } from './cloudevent.ts';
import { context, metrics, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { contextFromHeaders, currentTraceHeaders } from './trace.ts';
import { registerRelay, wakeRelayAfterCommit } from './relay-wake.ts';
import { keepInboxPurged } from './inbox-purge.ts';

const tracer = trace.getTracer('@retail/events');
const outboxBacklog = metrics.getMeter('@retail/events').createObservableGauge('outbox.backlog', {
  unit: '{event}',
  description: 'Events written to the outbox and not yet acknowledged by JetStream',
});

type AnyTx = Tx<any> | Db<any>;

/**
 * Write an event in the caller's transaction; the database's relay is woken once it commits, and
 * publishes it then (see relay-wake.ts): callers have nothing to call afterwards. The caller's trace
 * context is stored with it (the event continues the trace of the request that caused it), and the
 * caller's span records the event: these are the saga's state changes.
 *
 * @example
 * db.transaction((tx) => {
 *   tx.update(orders).set({ status: 'CANCELLED' }).where(eq(orders.id, id)).run();
 *   appendToOutbox(tx, createEvent({ source: '/cells/orders/orders', type: 'orders.order.cancelled', subject: id, data }));
 * });
 */
export function appendToOutbox(tx: AnyTx, event: CloudEvent): void {
  wakeRelayAfterCommit(tx);
  // By id only: an event's subject may be a person (a customer's id), which traces do not carry.
  trace.getActiveSpan()?.addEvent(event.type, { 'messaging.message.id': event.id });
  prepared(tx, 'outbox.append', (db) =>
    db
      .insert(outbox)
      .values(placeholders('id', 'subject', 'payload', 'headers', 'createdAt'))
      .prepare(),
  ).run({
    id: event.id,
    subject: wireSubject(event),
    payload: JSON.stringify(event),
    headers: JSON.stringify(currentTraceHeaders()),
    createdAt: Date.now(),
  });
}

/**
 * For an event that says where something stands now (a SKU's stock level) rather than what happened:
 * it supersedes the earlier ones of its type and subject that the relay has not published yet, which are
 * dropped in the same transaction, so a burst of changes goes out as its last state. One the relay has
 * taken already still goes out, and this one after it; consumers see the states in order either way.
 */
export function appendStateToOutbox(tx: AnyTx, event: CloudEvent): void {
  prepared(tx, 'outbox.superseded', (db) =>
    db
      .delete(outbox)
      .where(
        and(
          isNull(outbox.sentAt),
          eq(outbox.subject, sql.placeholder('subject')),
          sql`json_extract(${outbox.payload}, '$.subject') = ${sql.placeholder('entity')}`,
        ),
      )
      .prepare(),
  ).run({ subject: wireSubject(event), entity: event.subject });
  appendToOutbox(tx, event);
}

const unsentRows = (db: Db<any>) =>
  prepared(db, 'outbox.unsent', (d) =>
    d.select().from(outbox).where(isNull(outbox.sentAt)).orderBy(asc(outbox.seq)).limit(sql.placeholder('limit')).prepare(),
  );
const markSent = (db: AnyTx) =>
  prepared(db, 'outbox.sent', (d) =>
    d
      .update(outbox)
      .set({ sentAt: sql`${sql.placeholder('sentAt')}` })
      .where(eq(outbox.seq, sql.placeholder('seq')))
      .prepare(),
  );
const unsentCount = (db: Db<any>) =>
  prepared(db, 'outbox.backlog', (d) => d.select({ n: count() }).from(outbox).where(isNull(outbox.sentAt)).prepare());

export interface OutboxRelay {
  /** Events written but not yet acknowledged by JetStream. */
  backlog(): number;
  stop(): Promise<void>;
}

export interface RelayOptions {
  db: Db<any>;
  js: JetStreamClient;
  logger: Logger;
  /** How often to look for unsent rows when nothing woke the relay (an append wakes it after its commit). */
  intervalMs?: number;
  batchSize?: number;
  /** Sent rows are kept this long for inspection, then deleted. */
  retainSentMs?: number;
}

/**
 * Publish unsent outbox rows in order with Nats-Msg-Id = event id; stamp them sent on the PubAck. The
 * relay registers itself with its database, so every commit that appended an event wakes it; it also
 * keeps the database's sent outbox rows and its inbox from growing forever.
 *
 * @example
 * const relay = startOutboxRelay({ db: database.db, js: bus.js, logger });
 * // … on shutdown:
 * await relay.stop();
 */
export function startOutboxRelay(options: RelayOptions): OutboxRelay {
  const { db, js, logger, intervalMs = 250, batchSize = 200, retainSentMs = 60 * 60_000 } = options;
  let stopped = false;
  let wake: (() => void) | undefined;
  let woken = false;
  let failures = 0;
  let lastPurge = 0;

  const publishBatch = async (): Promise<number> => {
    const rows = unsentRows(db).all({ limit: batchSize });
    if (rows.length === 0) return 0;
    const results = await Promise.allSettled(
      rows.map((row) => {
        // A producer span per message, child of the request that wrote it; the consumer continues from it.
        const stored = JSON.parse(row.headers) as Record<string, string>;
        const span = tracer.startSpan(
          `${row.subject} publish`,
          {
            kind: SpanKind.PRODUCER,
            attributes: {
              'messaging.system': 'nats',
              'messaging.operation.type': 'send',
              'messaging.destination.name': row.subject,
              'messaging.message.id': row.id,
              'outbox.wait_ms': Date.now() - row.createdAt,
            },
          },
          contextFromHeaders((key) => stored[key]),
        );
        const carrier: Record<string, string> = {};
        propagation.inject(trace.setSpan(context.active(), span), carrier);
        const h = natsHeaders();
        for (const [key, value] of Object.entries({ ...stored, ...carrier })) h.set(key, value);
        return js.publish(row.subject, row.payload, { msgID: row.id, headers: h }).then(
          (ack) => {
            span.setAttribute('messaging.nats.stream.sequence', ack.seq);
            span.end();
            return ack;
          },
          (error: Error) => {
            span.recordException(error);
            span.setStatus({ code: SpanStatusCode.ERROR });
            span.end();
            throw error;
          },
        );
      }),
    );
    const sentAt = Date.now();
    let sent = 0;
    db.transaction((tx) => {
      results.forEach((result, i) => {
        if (result.status === 'fulfilled') {
          markSent(tx).run({ sentAt, seq: rows[i]!.seq });
          sent++;
        }
      });
    });
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return sent;
  };

  const loop = async () => {
    while (!stopped) {
      try {
        woken = false; // a wake from here on comes from a commit this batch may have missed
        const sent = await publishBatch();
        failures = 0;
        if (Date.now() - lastPurge > 60_000) {
          lastPurge = Date.now();
          db.delete(outbox)
            .where(and(isNotNull(outbox.sentAt), lt(outbox.sentAt, Date.now() - retainSentMs)))
            .run();
        }
        if (sent === batchSize || woken) continue;
        await sleep(intervalMs);
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 20 === 0) logger.warn({ err: error, failures }, 'outbox relay cannot publish yet; retrying');
        await sleep(Math.min(5_000, 200 * failures));
      }
    }
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve(); // stopped while it was publishing: nothing is left to wake it
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const running = loop();
  const unregister = registerRelay(db, () => {
    woken = true;
    // While JetStream is unreachable the back-off stands: commits would otherwise retry it at their pace.
    if (failures === 0) wake?.();
  });
  const inboxPurge = keepInboxPurged({ db, logger });
  const backlog = () => unsentCount(db).get()?.n ?? 0;
  const observeBacklog = (result: { observe(value: number): void }) => result.observe(backlog());
  outboxBacklog.addCallback(observeBacklog);
  return {
    backlog,
    stop: async () => {
      unregister();
      inboxPurge.stop();
      outboxBacklog.removeCallback(observeBacklog);
      stopped = true;
      wake?.();
      await running;
    },
  };
}
