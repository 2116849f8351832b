/** What a stream of a customer's orders is told: something of theirs changed, or they are not served here any more. */
export interface ChangeListener {
  changed(): void;
  ended(): void;
}

/**
 * The in-process signal that a customer's orders changed, for their open streams. It carries no data:
 * each stream reads what changed from the database after its own cursor, so a slow stream holds one
 * flag, not a queue of events. This service is its partition's only writer, so every change passes here.
 */
export interface ChangeHub {
  subscribe(customerId: string, listener: ChangeListener): () => void;
  changed(customerId: string): void;
  /** The customer moved to another partition: their streams end, and reconnect there. */
  ended(customerId: string): void;
  /** Open streams, for tests and metrics. */
  size(): number;
}

export function createChangeHub(): ChangeHub {
  const listeners = new Map<string, Set<ChangeListener>>();
  let open = 0;
  const each = (customerId: string, call: (l: ChangeListener) => void) => {
    for (const listener of listeners.get(customerId) ?? []) call(listener);
  };
  return {
    subscribe(customerId, listener) {
      const mine = listeners.get(customerId) ?? new Set<ChangeListener>();
      listeners.set(customerId, mine);
      mine.add(listener);
      open++;
      return () => {
        if (!mine.delete(listener)) return;
        open--;
        if (mine.size === 0) listeners.delete(customerId);
      };
    },
    changed: (customerId) => each(customerId, (l) => l.changed()),
    ended: (customerId) => each(customerId, (l) => l.ended()),
    size: () => open,
  };
}
