export {
  createEvent,
  eventOrigin,
  wireSubject,
  parseCloudEvent,
  cloudEventSchema,
  type CloudEvent,
  type NewEvent,
  type EventOrigin,
} from './cloudevent.ts';
export { connectBus, inboxPrefix, type Bus, type ConnectOptions } from './connection.ts';
export { cellStream, ensureStream, type StreamSpec } from './streams.ts';
export { declaredDurables } from './durables.ts';
export { provisionStreams } from './provision.ts';
export {
  ensureBucket,
  kvDelete,
  kvPut,
  kvSnapshot,
  kvStream,
  kvSubject,
  watchBucket,
  type BucketSpec,
  type BucketView,
  type KvEntry,
} from './kv.ts';
export { appendStateToOutbox, appendToOutbox, startOutboxRelay, type OutboxRelay, type RelayOptions } from './outbox.ts';
export {
  startConsumer,
  PermanentEventError,
  type EventHandler,
  type LocalEventHandler,
  type RemoteEventHandler,
  type ConsumerOptions,
  type RunningConsumer,
} from './consumer.ts';
export { startComponentConsumers, type ComponentConsumersOptions } from './component-consumers.ts';
export { connectCellBus } from './cell-bus.ts';
