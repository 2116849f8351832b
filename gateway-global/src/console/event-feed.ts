/**
 * The console's live feed: the last events seen on the cells' subjects, and whether the feed is
 * connected at all. Only the CloudEvents envelope is kept — never `data` — because the console is
 * open to anyone who can reach the gateway and payloads carry customers' names and addresses. Even
 * the envelope names an entity (an order id is all it takes to act on an order), so anonymous viewers
 * get it without ids (`anonymousView`); operators see it whole.
 */
export interface FeedEvent {
  /** Increases by one per event; the SSE event id. */
  seq: number;
  /** The NATS subject it was published on, e.g. `orders.orders-2.order.placed`. */
  subject: string;
  /** The cell that owns the subject (its first token). */
  cell: string;
  /**
   * The partition of a partitioned cell the event belongs to (the CloudEvents `partition` attribute): the
   * one that published it (`orders.orders-2.order.placed`), or the one a global cell answers
   * (`inventory.orders-2.reservation.confirmed`).
   */
  partition?: string;
  receivedAt: string;
  /** Envelope fields; absent when the message was not a CloudEvent (the console shows it as such). */
  id?: string;
  type?: string;
  source?: string;
  /** The entity the event is about, e.g. an order id or a SKU. */
  entity?: string;
  time?: string;
  valid: boolean;
}

/** What an anonymous viewer sees of an event: what happened, in which cell, when — no id of anything. */
export type AnonymousFeedEvent = Omit<FeedEvent, 'id' | 'entity'>;

export function anonymousView(event: FeedEvent): AnonymousFeedEvent {
  const { id: _id, entity: _entity, ...shown } = event;
  return shown;
}

export type FeedState = 'connecting' | 'connected' | 'disconnected' | 'unavailable' | 'off';

export interface FeedStatus {
  state: FeedState;
  detail: string;
}

export type FeedMessage = { kind: 'event'; event: FeedEvent } | { kind: 'status'; status: FeedStatus } | { kind: 'closed' };

export interface EventFeed {
  recent(): FeedEvent[];
  status(): FeedStatus;
  /** Record a message as it arrived on `subject`. */
  record(subject: string, payload: Uint8Array): FeedEvent;
  setStatus(status: FeedStatus): void;
  /** Listen for new events and status changes; returns the unsubscribe function. */
  subscribe(listener: (message: FeedMessage) => void): () => void;
  /** End every listener (their SSE streams close), e.g. at shutdown. */
  close(): void;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value.slice(0, 200) : undefined);

function envelope(payload: Uint8Array): Partial<FeedEvent> & { valid: boolean } {
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(payload));
    if (!json || typeof json !== 'object') return { valid: false };
    const e = json as Record<string, unknown>;
    const fields = {
      id: text(e.id),
      type: text(e.type),
      source: text(e.source),
      entity: text(e.subject),
      time: text(e.time),
      partition: text(e.partition),
    };
    return { ...fields, valid: e.specversion === '1.0' && !!fields.id && !!fields.type && !!fields.source };
  } catch {
    return { valid: false };
  }
}

export function createEventFeed(options: { capacity?: number; initial?: FeedStatus; now?: () => Date } = {}): EventFeed {
  const { capacity = 50, now = () => new Date() } = options;
  const events: FeedEvent[] = [];
  const listeners = new Set<(message: FeedMessage) => void>();
  let status: FeedStatus = options.initial ?? { state: 'off', detail: 'No event feed is configured.' };
  let seq = 0;

  const emit = (message: FeedMessage) => {
    for (const listener of listeners) listener(message);
  };

  return {
    recent: () => [...events],
    status: () => status,
    record(subject, payload) {
      const event: FeedEvent = { seq: ++seq, subject, cell: subject.split('.')[0]!, receivedAt: now().toISOString(), ...envelope(payload) };
      events.push(event);
      if (events.length > capacity) events.shift();
      emit({ kind: 'event', event });
      return event;
    },
    setStatus(next) {
      if (next.state === status.state && next.detail === status.detail) return;
      status = next;
      emit({ kind: 'status', status });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      emit({ kind: 'closed' });
      listeners.clear();
    },
  };
}
