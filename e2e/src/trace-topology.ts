import { instanceName, unaddressed, type CellDescriptor } from '@retail/descriptor';
import type { ReceivedSpan } from '@retail/testing';

const SERVER = 2;
const CONSUMER = 5;
/** gateway-global's processes say `edge` as their cell. */
const EDGE = 'edge';
/** What any process may ask gateway-global: tokens (client credentials) and the keys to check them. */
const TOKEN_SERVICE_PATHS = new Set(['/auth/token', '/.well-known/jwks.json']);

interface Place {
  cell: string;
  component: string;
}

const placeOf = (span: ReceivedSpan): Place => {
  const cell = String(span.resource['service.namespace'] ?? '');
  return { cell, component: cell === EDGE ? 'gateway-global' : span.service.slice(cell.length + 1) };
};

/**
 * The edges between cells that the spans of a run show, checked against the descriptors: each hop from one
 * process to another (a span whose parent or link is in another process) that crosses a cell boundary
 * must be declared. Over HTTP it must land on the other cell's gateway, from gateway-global (it routes
 * the API), or from a component that declares `calls` to that cell; anyone may ask gateway-global for a
 * token or its keys. Over NATS the consuming component must declare the subject in `consumes`, and the
 * producing one in `publishes`. Returns one line per undeclared edge (none: the run kept the topology).
 */
export function undeclaredEdges(spans: readonly ReceivedSpan[], cells: readonly CellDescriptor[]): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const descriptor = new Map(cells.map((c) => [instanceName(c), c]));
  const component = (place: Place) => descriptor.get(place.cell)?.components.find((c) => c.name === place.component);
  const found = new Set<string>();

  for (const span of spans) {
    if (span.kind !== SERVER && span.kind !== CONSUMER) continue;
    const to = placeOf(span);
    const parents = [span.parentSpanId, ...span.links.map((l) => l.spanId)].flatMap((id) => (id && byId.get(id) ? [byId.get(id)!] : []));
    for (const parent of parents) {
      const from = placeOf(parent);
      if (parent.service === span.service || from.cell === to.cell) continue;
      const edge = `${from.cell}/${from.component} → ${to.cell}/${to.component}`;
      if (span.kind === CONSUMER) {
        const subject = unaddressed(String(span.attributes['messaging.destination.name'] ?? ''));
        const consumes = component(to)?.consumes?.some((c) => c.subject === subject) || to.cell === EDGE;
        const publishes = component(from)?.publishes?.includes(subject);
        if (!consumes || !publishes)
          found.add(`${edge} over NATS ${subject}: not declared by ${publishes ? 'the consumer' : 'the producer'}`);
        continue;
      }
      const path = String(span.attributes['url.path'] ?? '');
      if (to.cell === EDGE) {
        if (!TOKEN_SERVICE_PATHS.has(path)) found.add(`${edge} over HTTP ${path}: only tokens and keys are asked of gateway-global`);
        continue;
      }
      if (to.component !== 'gateway') {
        found.add(`${edge} over HTTP ${path}: another cell's component reached without its gateway`);
        continue;
      }
      if (from.cell === EDGE) continue;
      const target = descriptor.get(to.cell)?.name;
      if (!target || !component(from)?.calls?.includes(target))
        found.add(`${edge} over HTTP ${path}: ${from.component} does not declare calls to ${target}`);
    }
  }
  return [...found].sort();
}
