// npm run event -- [--partition <name>] <subject> '<json data>': publish one CloudEvent, as the cell owning
// <subject> would. For developing a cell alone: feed it the events of cells that are not running. An event
// about what a partition owns goes to that partition (`--partition`, orders-1 by default).
import { isPartitionName } from '@retail/descriptor';
import { cellStream, connectBus, createEvent, ensureStream, wireSubject } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { systemCells } from '@retail/topology';
import { natsPasswordOf, SYSTEM_NATS_USER } from './nats-auth.ts';

const args = process.argv.slice(2);
const flag = args.indexOf('--partition');
const partition = flag >= 0 ? args.splice(flag, 2)[1] : undefined;
const [subject, data] = args;
if (!subject || !data || !/^[a-z]+\.[a-z]+\.[a-z-]+$/.test(subject) || (partition !== undefined && !isPartitionName(partition))) {
  console.error(
    `Usage: npm run event -- [--partition orders-2] <cell>.<entity>.<verb> '<json data>'\n  e.g. npm run event -- inventory.stock.changed '{"sku":"KIT-CHEF-KNIFE","onHand":3,"reserved":0,"available":3}'`,
  );
  process.exit(2);
}
let payload: unknown;
try {
  payload = JSON.parse(data);
} catch {
  console.error('The data is not valid JSON.');
  process.exit(2);
}
const cell = subject.split('.')[0]!;
const to = partition ?? 'orders-1';
// The running cell that publishes it: a partition of a partitioned cell, or the global cell.
const owner = systemCells(process.env).find((c) => c.name === cell && (!c.partition || c.partition === to));
const addressed = owner?.partition !== undefined || owner?.components.some((c) => c.addressed?.includes(subject));
const url = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4250}`;
// As the system user (NATS_PASSWORD_SYSTEM): a cell's own user may not publish another cell's events.
const user = process.env.NATS_USER || SYSTEM_NATS_USER;
const pass = process.env.NATS_PASS || natsPasswordOf(user);
const bus = await connectBus({ url, name: 'dev-publisher', user, pass, logger: createLogger({ name: 'event', level: 'silent' }) });
try {
  await ensureStream(bus.jsm, owner ? cellStream(owner) : { name: cell.toUpperCase(), subjects: [`${cell}.>`] });
  const { sku, orderId, shipmentId, id } = payload as Record<string, unknown>;
  const event = createEvent({
    source: `/dev/${cell}`,
    type: subject,
    subject: String(sku ?? orderId ?? shipmentId ?? id ?? cell),
    ...(addressed ? { partition: to } : {}),
    data: payload,
  });
  const ack = await bus.js.publish(wireSubject(event), JSON.stringify(event), { msgID: event.id });
  console.log(`published ${wireSubject(event)} (event ${event.id}) to stream ${ack.stream} at seq ${ack.seq} on ${url}`);
} catch (error) {
  // e.g. a permission violation: NATS_USER names a cell, which may publish only on its own subjects
  console.error(`✖ could not publish ${subject} as NATS user ${user}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await bus.close();
}
