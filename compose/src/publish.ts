// npm run event -- <subject> '<json data>': publish one CloudEvent, as the cell owning <subject> would.
// For developing a cell alone: feed it the events of cells that are not running.
import { connectBus, createEvent, ensureStream } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { natsPasswordOf, SYSTEM_NATS_USER } from './nats-auth.ts';

const [subject, data] = process.argv.slice(2);
if (!subject || !data || !/^[a-z]+\.[a-z]+\.[a-z-]+$/.test(subject)) {
  console.error(
    `Usage: npm run event -- <cell>.<entity>.<verb> '<json data>'\n  e.g. npm run event -- inventory.stock.changed '{"sku":"KIT-CHEF-KNIFE","onHand":3,"reserved":0,"available":3}'`,
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
const url = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4250}`;
// As the system user (NATS_PASSWORD_SYSTEM): a cell's own user may not publish another cell's events.
const user = process.env.NATS_USER || SYSTEM_NATS_USER;
const pass = process.env.NATS_PASS || natsPasswordOf(user);
const bus = await connectBus({ url, name: 'dev-publisher', user, pass, logger: createLogger({ name: 'event', level: 'silent' }) });
try {
  await ensureStream(bus.jsm, { name: cell.toUpperCase(), subjects: [`${cell}.>`] });
  const { sku, orderId, shipmentId, id } = payload as Record<string, unknown>;
  const event = createEvent({
    source: `/dev/${cell}`,
    type: subject,
    subject: String(sku ?? orderId ?? shipmentId ?? id ?? cell),
    data: payload,
  });
  const ack = await bus.js.publish(subject, JSON.stringify(event), { msgID: event.id });
  console.log(`published ${subject} (event ${event.id}) to stream ${ack.stream} at seq ${ack.seq} on ${url}`);
} catch (error) {
  // e.g. a permission violation: NATS_USER names a cell, which may publish only on its own subjects
  console.error(`✖ could not publish ${subject} as NATS user ${user}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await bus.close();
}
