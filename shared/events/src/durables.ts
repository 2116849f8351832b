import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { consumptionsOf, type CellDescriptor } from '@retail/descriptor';
import { isNotFound } from './streams.ts';

/** How long the server waits for an ack before it delivers a message again. */
const ACK_WAIT_MS = 10_000;

/** A durable pull consumer a descriptor declares: `<cell>-<component>` on a stream it reads. */
export interface DurableSpec {
  stream: string;
  durable: string;
  /** One subject covering what the component reads there (see coveringFilter). */
  filter: string;
}

/**
 * Every durable consumer a running cell declares: one per component and stream it reads (one per
 * partition for a partitioned cell's stream), in the running `system` (`systemCells` of @retail/topology).
 */
export function declaredDurables(cell: CellDescriptor, system: readonly CellDescriptor[]): DurableSpec[] {
  return cell.components.flatMap((component) => componentDurables(cell, component.name, system));
}

/** The durables of one component, with the wire subjects each delivers. */
export function componentDurables(
  cell: CellDescriptor,
  component: string,
  system: readonly CellDescriptor[],
): (DurableSpec & { subjects: string[] })[] {
  return consumptionsOf(cell, component, system).map(({ stream, durable, subjects }) => ({
    stream,
    durable,
    subjects,
    filter: coveringFilter(subjects),
  }));
}

/**
 * A durable's config on the server: pulled, acked one by one, from the start of the stream. The server
 * sets no delivery limit: the consumer dead-letters a message itself after its own `maxDeliver`
 * attempts (see startConsumer), so the limit is a service's choice and the provisioned config stays the
 * same for every service; a server-side limit would drop a message silently, without a dead letter.
 */
export const durableConfig = ({ durable, filter }: Omit<DurableSpec, 'stream'>) => ({
  durable_name: durable,
  ack_policy: AckPolicy.Explicit,
  deliver_policy: DeliverPolicy.All,
  filter_subject: filter,
  max_deliver: -1,
  ack_wait: nanos(ACK_WAIT_MS),
});

/** What of `wanted` the consumer on the server lacks (filter, delivery limit, ack wait), or undefined. */
function durableDifferences(config: ConsumerConfig, wanted: ReturnType<typeof durableConfig>): string | undefined {
  const changed = (['filter_subject', 'max_deliver', 'ack_wait'] as const).filter((key) => config[key] !== wanted[key]);
  return changed.length ? changed.map((key) => `${key} ${config[key]} (wanted ${wanted[key]})`).join(', ') : undefined;
}

/**
 * Create the durable, or bring its filter, delivery limit and ack wait up to `config`. A user without
 * the permission to (a cell user on an authorized bus, where provisionStreams creates them) gets the
 * server's refusal.
 */
export async function ensureDurable(jsm: JetStreamManager, stream: string, config: ReturnType<typeof durableConfig>): Promise<void> {
  try {
    const info = await jsm.consumers.info(stream, config.durable_name);
    if (!durableDifferences(info.config, config)) return;
    const { filter_subject, max_deliver, ack_wait } = config;
    await jsm.consumers.update(stream, config.durable_name, { filter_subject, max_deliver, ack_wait });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(stream, config);
  }
}

/**
 * One filter subject that covers all handled subjects: nats-server 2.9 (Debian's, and the nats:2 image
 * here) allows a single filter per consumer. One consumer per component and stream delivers events in
 * stream order — but a message being retried (nak with a delay) is overtaken by later ones, so handlers
 * must not rely on order (e.g. a cancel may arrive before the placement it cancels).
 */
export function coveringFilter(subjects: string[]): string {
  if (subjects.length === 1) return subjects[0]!;
  const split = subjects.map((s) => s.split('.'));
  const prefix: string[] = [];
  for (let i = 0; split.every((tokens) => i < tokens.length - 1 && tokens[i] === split[0]![i]); i++) prefix.push(split[0]![i]!);
  const sameDepth = split.every((tokens) => tokens.length === prefix.length + 1);
  return `${prefix.join('.')}.${sameDepth ? '*' : '>'}`;
}
