// The operator console: draws the cells from /console/topology (their descriptors), colours them with
// /console/health every two seconds, lists the live instances and their configuration from
// /console/instances (the registry), and shows the events of /console/events (SSE) as they happen.
// An operator signed in on this origin also gets controls to move customers between partitions and to
// drain partitions (the placement cell's operator API under /api); nobody else gets them at all.

const SVG = 'http://www.w3.org/2000/svg';
const HEALTH_EVERY_MS = 2000;
const FEED_LIMIT = 50;

/** Build an element; text goes in as text, never as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs))
    if (v !== null && v !== undefined && v !== false) el.setAttribute(k, v === true ? '' : String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

const byId = (id) => document.getElementById(id);
const shortSubject = (subject) => subject.split('.').slice(1).join('.');
const time = (iso) => new Date(iso).toLocaleTimeString('en-GB', { hour12: false });

let topology;
/** running cell (a global cell, or a partition: `orders-2`) → { box, status, gatewayHealth, components: Map(name → element), customers? } */
const cellViews = new Map();
/** cell name (as the descriptors name it) → its box in the picture, and for a partitioned cell its overall status */
const cellBoxes = new Map();
const STATUS_TEXT = { up: 'up', degraded: 'degraded', down: 'down' };
/** partition → its state in the cell router's copy of the placement map (active, draining, down) */
const partitionStates = new Map();

function renderEdge(view) {
  byId('edge').replaceChildren(
    h(
      'section',
      { class: 'edge-box', 'aria-label': `${view.gateway.name}` },
      h('div', {}, h('h3', {}, view.gateway.name), h('p', { class: 'summary' }, view.gateway.summary)),
      h('ul', { class: 'chips', 'aria-label': 'Public paths' }, ...view.gateway.publicPaths.map((p) => h('li', {}, h('code', {}, p)))),
    ),
    h(
      'section',
      { class: 'router-box', id: 'router', 'aria-label': 'cell router' },
      h('h3', {}, 'cell router'),
      h('p', { class: 'summary' }, view.gateway.router),
      h('p', { class: 'router-state', id: 'router-state' }, 'Placement map: …'),
    ),
    h(
      'p',
      { class: 'edge-arrow', 'aria-hidden': 'true' },
      '▼ HTTP /api/<segment> → the gateway of the cell that declares it (of a partitioned cell: the caller’s partition) ▼',
    ),
  );
}

function healthBadge(text) {
  return h('span', { class: 'health health-unknown' }, text);
}

/** A cell's (or a partition's) gateway: the public paths it serves and its health. */
function gatewayRow(prefixes, health) {
  return h(
    'div',
    { class: 'gateway-row' },
    h('span', { class: 'gw-name' }, 'gateway'),
    h('span', { class: 'gw-routes' }, prefixes.join(' ')),
    health,
  );
}

/** One partition of a partitioned cell: its own health, gateway, components and customers. */
function partitionBox(cell, partition, prefixes) {
  const status = h('span', { class: 'cell-status status-unknown' }, 'Checking…');
  const gatewayHealth = healthBadge('…');
  const customers = h('span', { class: 'customers' }, '… customers');
  const components = new Map();
  const box = h(
    'section',
    { class: 'partition', 'aria-label': `${partition.name} partition` },
    h('header', { class: 'cell-head' }, h('h4', {}, partition.name), status),
    h('p', { class: 'partition-meta' }, customers),
    gatewayRow(prefixes, gatewayHealth),
    h(
      'ul',
      { class: 'partition-components', 'aria-label': `${partition.name} components` },
      ...cell.components.map((c) => {
        const health = healthBadge('…');
        components.set(c.name, health);
        return h('li', {}, h('span', {}, c.name), health);
      }),
    ),
    h('p', { class: 'stream' }, h('code', {}, partition.stream), ' · ', h('code', {}, partition.subjects)),
  );
  cellViews.set(partition.name, { box, status, gatewayHealth, components, customers, label: 'Partition', partitionOf: cell.name });
  return box;
}

function renderCells(view) {
  const container = byId('cells');
  container.replaceChildren();
  for (const cell of view.cells) {
    const status = h('span', { class: 'cell-status status-unknown' }, 'Checking…');
    const gatewayHealth = healthBadge('…');
    const components = new Map();
    const prefixes = [...new Set(cell.routes.map((r) => `/${r.path.split('/')[2]}`))].map((p) => `/api${p}`);
    const partitioned = cell.partitions !== null;
    const box = h(
      'section',
      { class: `cell cell-${cell.name}${partitioned ? ' cell-partitioned' : ''}`, 'aria-label': `${cell.name} cell` },
      h('header', { class: 'cell-head' }, h('h3', {}, cell.name), status),
      h('p', { class: 'summary' }, cell.summary),
      partitioned
        ? h(
            'div',
            { class: 'partitions', role: 'group', 'aria-label': `${cell.name} partitions` },
            h(
              'p',
              { class: 'partition-note' },
              `${cell.partitions.members.length} partitions by ${cell.partitions.key}: whole copies of the cell`,
            ),
            ...cell.partitions.members.map((p) => partitionBox(cell, p, prefixes)),
          )
        : gatewayRow(prefixes, gatewayHealth),
      h(
        'ul',
        { class: 'components', 'aria-label': `${cell.name} components` },
        ...cell.components.map((c) => {
          const health = partitioned ? null : healthBadge('…');
          if (health) components.set(c.name, health);
          return h(
            'li',
            { class: 'component', title: c.summary },
            h('div', { class: 'component-head' }, h('strong', {}, c.name), h('span', { class: `kind kind-${c.kind}` }, c.kind), health),
            c.datastore ? h('p', { class: 'store' }, 'SQLite ', h('code', {}, c.datastore)) : h('p', { class: 'store' }, 'no state'),
            c.publishes.length
              ? h('p', { class: 'io' }, h('span', { class: 'io-label' }, 'publishes '), c.publishes.map(shortSubject).join(', '))
              : null,
            c.consumes.length ? h('p', { class: 'io' }, h('span', { class: 'io-label' }, 'consumes '), c.consumes.join(', ')) : null,
            c.calls.length
              ? h('p', { class: 'io' }, h('span', { class: 'io-label' }, 'calls '), c.calls.map((x) => `${x} gateway`).join(', '))
              : null,
          );
        }),
      ),
      h('p', { class: 'stream' }, h('code', {}, cell.stream), ' stream · ', h('code', {}, cell.subjects)),
    );
    container.append(box);
    cellBoxes.set(cell.name, { box, status, partitioned });
    if (!partitioned) cellViews.set(cell.name, { box, status, gatewayHealth, components, label: 'Cell' });
  }
}

/** Cross-cell flows, aggregated per (publisher cell → consumer cell). */
function cellLinks(view) {
  const links = new Map();
  for (const flow of view.flows) {
    if (!flow.publisher) continue;
    for (const consumer of flow.consumers) {
      if (consumer.cell === flow.publisher.cell) continue;
      const key = `${flow.publisher.cell}→${consumer.cell}`;
      const link = links.get(key) ?? { from: flow.publisher.cell, to: consumer.cell, subjects: new Set() };
      link.subjects.add(flow.subject);
      links.set(key, link);
    }
  }
  return [...links.values()];
}

/** The bus under the cells, and one arrow per publisher → consumer pair of cells. */
function drawFlows() {
  if (!topology) return;
  const board = byId('flows');
  const box = byId('diagram').getBoundingClientRect();
  const centers = new Map();
  for (const [name, v] of cellBoxes) {
    const r = v.box.getBoundingClientRect();
    centers.set(name, r.left - box.left + r.width / 2);
  }
  const order = topology.cells.map((c) => c.name);
  const links = cellLinks(topology);
  const busY = 26;
  const lane = (link) => {
    const span = Math.abs(order.indexOf(link.to) - order.indexOf(link.from));
    const rightward = order.indexOf(link.to) > order.indexOf(link.from);
    return span === 1 ? (rightward ? 62 : 122) : 122 + 58 * (span - 1);
  };
  const deepest = Math.max(62, ...links.map(lane));
  const height = busY + deepest * 0.75 + 34;
  const width = box.width;
  board.setAttribute('viewBox', `0 0 ${width} ${height}`);
  board.setAttribute('height', String(height));
  for (const el of [...board.children]) if (el.tagName !== 'title' && el.tagName !== 'desc') el.remove();

  const defs = svg('defs');
  const marker = svg('marker', {
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }));
  defs.append(marker);
  board.append(defs);

  board.append(svg('line', { x1: 8, y1: busY, x2: width - 8, y2: busY, class: 'bus' }));
  board.append(svg('text', { x: 12, y: busY - 8, class: 'bus-label' }, 'NATS JetStream'));
  for (const x of centers.values()) board.append(svg('line', { x1: x, y1: 0, x2: x, y2: busY, class: 'stub' }));

  for (const link of links) {
    const x1 = centers.get(link.from);
    const x2 = centers.get(link.to);
    if (x1 === undefined || x2 === undefined) continue;
    const depth = lane(link);
    const offset = x2 > x1 ? 6 : -6; // keep the two directions of a pair apart
    const path = svg('path', {
      d: `M ${x1 + offset} ${busY} C ${x1 + offset} ${busY + depth}, ${x2 - offset} ${busY + depth}, ${x2 - offset} ${busY + 4}`,
      class: `flow flow-from-${link.from}`,
      'marker-end': 'url(#arrow)',
      'data-subjects': [...link.subjects].join(' '),
    });
    path.append(svg('title', {}, `${link.from} → ${link.to}: ${[...link.subjects].join(', ')}`));
    board.append(path);
    const label = svg(
      'text',
      { x: (x1 + x2) / 2, y: busY + depth * 0.75 + 4, class: 'flow-label', 'text-anchor': 'middle' },
      [...link.subjects].map(shortSubject).join(' · '),
    );
    board.append(label);
    const b = label.getBBox();
    board.insertBefore(
      svg('rect', { x: b.x - 5, y: b.y - 2, width: b.width + 10, height: b.height + 4, rx: 4, class: 'flow-label-bg' }),
      label,
    );
  }
}

function renderFlowTable(view) {
  const rows = view.flows.map((f) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, h('code', {}, f.subject)),
      h('td', {}, f.publisher ? `${f.publisher.cell} / ${f.publisher.component}` : h('span', { class: 'warn' }, 'no publisher declared')),
      h(
        'td',
        {},
        f.consumers.length ? f.consumers.map((c) => `${c.cell} / ${c.component}`).join(', ') : h('span', { class: 'muted' }, 'nobody yet'),
      ),
    ),
  );
  byId('flow-table').replaceChildren(
    h(
      'table',
      { class: 'table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Subject'),
          h('th', { scope: 'col' }, 'Published by'),
          h('th', { scope: 'col' }, 'Consumed by'),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

function setHealth(el, state) {
  el.textContent = state;
  el.className = `health health-${state}`;
}

async function refreshHealth() {
  let report;
  try {
    const res = await fetch('/console/health', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(String(res.status));
    report = await res.json();
  } catch {
    byId('overall').textContent = 'gateway-global does not answer: the console cannot check the cells.';
    byId('overall').className = 'overall overall-bad';
    return;
  }
  let up = 0;
  const showStatus = (view, label, state) => {
    view.status.textContent = `${label} ${STATUS_TEXT[state]}`;
    view.status.className = `cell-status status-${state}`;
    view.box.classList.toggle('is-down', state === 'down');
    view.box.classList.toggle('is-degraded', state === 'degraded');
  };
  for (const cell of report.cells) {
    const view = cellViews.get(cell.cell);
    if (!view) continue;
    showStatus(view, view.label, cell.status);
    setHealth(view.gatewayHealth, cell.gateway);
    for (const [name, el] of view.components) setHealth(el, cell.components[name] ?? 'down');
    if (cell.status === 'up') up++;
  }
  // A partitioned cell is up when every partition is, down when none is, degraded in between.
  for (const [name, view] of cellBoxes) {
    if (!view.partitioned) continue;
    const partitions = report.cells.filter((c) => c.partitionOf === name);
    const serving = partitions.filter((c) => c.status === 'up').length;
    showStatus(view, 'Cell', serving === partitions.length ? 'up' : serving === 0 ? 'down' : 'degraded');
  }
  for (const router of report.router ?? []) {
    for (const p of router.partitions) {
      partitionStates.set(p.name, p.state);
      const view = cellViews.get(p.name);
      if (view?.customers) view.customers.textContent = `${p.customers} ${p.customers === 1 ? 'customer' : 'customers'} · ${p.state}`;
    }
    byId('router-state').textContent =
      router.version === null
        ? `Placement map: none yet (placement cell ${router.controlPlane}); new customers placed by the rule.`
        : `Placement map version ${router.version}; placement cell ${router.controlPlane}${router.controlPlane === 'reachable' ? '' : ': routing with the last map'}.`;
  }
  const total = report.cells.length;
  const down = report.cells.filter((c) => c.status !== 'up').map((c) => `${c.cell} ${c.status}`);
  byId('overall').textContent = up === total ? `All ${total} cells are up.` : `${up} of ${total} cells up — ${down.join(', ')}.`;
  byId('overall').className = `overall ${up === total ? 'overall-ok' : 'overall-bad'}`;
  byId('checked-at').textContent = `checked ${time(report.checkedAt)}`;
}

function pulse(cellName, subject, partition) {
  for (const view of [cellBoxes.get(cellName), partition ? cellViews.get(partition) : undefined]) {
    if (!view) continue;
    view.box.classList.remove('pulse');
    void view.box.offsetWidth; // restart the animation
    view.box.classList.add('pulse');
  }
  for (const path of document.querySelectorAll(`.flow-from-${CSS.escape(cellName)}`)) {
    if (!(path.getAttribute('data-subjects') ?? '').split(' ').includes(subject)) continue;
    path.classList.remove('active');
    void path.getBoundingClientRect();
    path.classList.add('active');
  }
}

function addEvent(event, live) {
  const feed = byId('feed');
  const item = h(
    'li',
    { class: `event event-${event.cell}${event.valid ? '' : ' event-invalid'}` },
    h('time', { datetime: event.receivedAt }, time(event.receivedAt)),
    h('code', { class: 'event-subject' }, event.subject),
    event.partition ? h('span', { class: 'event-partition', title: 'partition' }, event.partition) : null,
    h('span', { class: 'event-entity' }, event.valid ? (event.entity ?? '') : 'not a CloudEvent (dead-lettered by its consumers)'),
    event.source ? h('span', { class: 'event-source' }, event.source) : null,
  );
  feed.prepend(item);
  while (feed.children.length > FEED_LIMIT) feed.lastElementChild?.remove();
  if (live) pulse(event.cell, event.type ?? event.subject, event.partition);
}

/**
 * An operator signed in to the storefront on this origin (the same token service) gets the feed whole,
 * ids included; everyone else gets the anonymous view, without event or entity ids.
 */
const OPERATOR_SCOPE = 'orders:admin';
function operatorToken() {
  try {
    const session = JSON.parse(localStorage.getItem('retail.session') ?? 'null');
    return session?.expiresAt > Date.now() && session.scopes?.includes(OPERATOR_SCOPE) ? session.token : undefined;
  } catch {
    return undefined;
  }
}

/** EventSource cannot send an Authorization header: the operator's stream is read with fetch. */
async function streamWithToken(token, on) {
  for (;;) {
    try {
      const res = await fetch('/console/events', { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
      if (res.status === 401) return false; // expired or revoked: the anonymous view
      if (!res.ok || !res.body) throw new Error(String(res.status));
      on.open();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n/g, '\n');
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const lines = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const type =
            lines
              .find((l) => l.startsWith('event:'))
              ?.slice(6)
              .trim() ?? 'message';
          const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart());
          if (data.length) on[type]?.({ data: data.join('\n') });
        }
      }
    } catch {
      // reconnect below
    }
    on.error();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

function streamAnonymously(on) {
  const source = new EventSource('/console/events');
  for (const [type, handler] of Object.entries(on)) source.addEventListener(type, handler);
}

function connectFeed(token = operatorToken()) {
  const status = byId('feed-status');
  byId('feed-view').textContent = token
    ? 'Operator view: every event with its id and the entity it is about.'
    : 'Anonymous view: event and entity ids are shown to operators only (sign in as one in the storefront).';
  let replaying = true;
  const on = {
    status: (e) => {
      const s = JSON.parse(e.data);
      status.textContent = `Event feed ${s.state}: ${s.detail}`;
      status.className = `feed-status feed-${s.state}`;
    },
    cloudevent: (e) => addEvent(JSON.parse(e.data), !replaying),
    // Events sent on connect are the backlog; the ones after it are live and animate the picture.
    open: () => {
      replaying = true;
      byId('feed').replaceChildren();
      setTimeout(() => (replaying = false), 300);
    },
    error: () => {
      status.textContent = 'Event feed interrupted: reconnecting to gateway-global…';
      status.className = 'feed-status feed-disconnected';
    },
  };
  if (!token) return streamAnonymously(on);
  void streamWithToken(token, on).then((streaming) => {
    if (streaming === false) connectFeed(undefined);
  });
}

const REGISTRY_TEXT = {
  live: 'From the registry (NATS), live: each instance registers itself and beats every 5 s; gone within 15 s of its last beat.',
  unreachable: 'The registry is unreachable: these are the instances last known, and callers keep using them.',
  off: 'Discovery is off (DISCOVERY=static): every process is called at its configured address.',
};

/** One instance's settings: value and where it came from; refused ones say why. */
function configList(entry) {
  const rows = Object.entries(entry.config ?? {}).map(([name, { value, source }]) =>
    h('li', {}, h('code', {}, name), ` ${value} `, h('span', { class: 'source' }, `(${source})`)),
  );
  for (const [name, why] of Object.entries(entry.refused ?? {}))
    rows.push(h('li', { class: 'refused' }, h('code', {}, name), ` refused: ${why}`));
  if (!rows.length) return h('span', { class: 'source' }, 'not reported yet');
  return h(
    'details',
    {},
    h(
      'summary',
      {},
      `${Object.keys(entry.config ?? {}).length} settings${entry.refused && Object.keys(entry.refused).length ? ', a change refused' : ''}`,
    ),
    h('ul', { class: 'config' }, rows),
  );
}

async function refreshInstances() {
  const token = operatorToken();
  let report;
  try {
    const res = await fetch('/console/instances', {
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    if (!res.ok) throw new Error(String(res.status));
    report = await res.json();
  } catch {
    return;
  }
  const status = byId('registry-status');
  status.textContent = REGISTRY_TEXT[report.registry];
  status.className = `legend registry-${report.registry}`;
  const perProcess = new Map();
  for (const entry of report.instances) {
    const name = entry.component === 'gateway-global' ? 'gateway-global' : `${entry.cell}/${entry.component}`;
    perProcess.set(name, [...(perProcess.get(name) ?? []), entry]);
  }
  const rows = [...perProcess.keys()]
    .sort()
    .flatMap((name) =>
      perProcess
        .get(name)
        .map((entry, i) =>
          h(
            'tr',
            {},
            i === 0
              ? h(
                  'th',
                  { scope: 'row', rowspan: perProcess.get(name).length },
                  name,
                  h('span', { class: 'count' }, ` × ${perProcess.get(name).length}`),
                )
              : null,
            h(
              'td',
              {},
              h('code', {}, entry.instance),
              entry.url ? h('span', { class: 'source' }, ` ${entry.url} · pid ${entry.pid}`) : null,
            ),
            h('td', {}, `${time(entry.startedAt)} · ${entry.version}`),
            h('td', {}, configList(entry)),
          ),
        ),
    );
  // Keep the open details open across refreshes: only replace the table when it changed.
  const body = byId('instances').tBodies[0];
  const text = JSON.stringify(report.instances);
  if (body.dataset.shown !== text) {
    const open = new Set([...body.querySelectorAll('details[open]')].map((d) => d.closest('tr')?.querySelector('code')?.textContent));
    body.replaceChildren(...rows);
    for (const d of body.querySelectorAll('details')) if (open.has(d.closest('tr')?.querySelector('code')?.textContent)) d.open = true;
    body.dataset.shown = text;
  }
}

// ── Operators: moving customers between partitions, draining partitions ──────────────────────────────
// The placement cell's operator API through gateway-global (/api/cells/…, scope orders:admin), with the
// token of the operator signed in on this origin. The controls are cloned from inert templates only for
// an operator, and removed when their session ends: anonymous visitors never get them.

const MOVE_FINISHED = ['done', 'rolled-back', 'cancelled'];
const MOVE_STATES = ['pending', 'frozen', 'copied', 'flipped', 'done', 'rolling-back', 'rolled-back', 'cancelled'];
const MOVE_POLL_MS = 500;
const RECENT_MOVES = 10;

/** The problem's detail (and its field errors) as the message of an Error. */
class ProblemError extends Error {
  constructor(status, problem) {
    const fields = (problem?.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
    super(`${problem?.detail ?? problem?.title ?? `HTTP ${status}`}${fields ? ` (${fields})` : ''}`);
    this.status = status;
  }
}

/** A call to the public API as the operator: the answer's JSON, or a ProblemError (status 0: no answer). */
async function operatorApi(method, path, body) {
  const token = operatorToken();
  if (!token) throw new ProblemError(401, { detail: 'Your operator session has ended: sign in again in the storefront.' });
  let res;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ProblemError(0, { detail: 'gateway-global does not answer.' });
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the status says enough
  }
  if (!res.ok) throw new ProblemError(res.status, data);
  return data;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (from, to) => `${((Date.parse(to ?? new Date().toISOString()) - Date.parse(from)) / 1000).toFixed(1)} s`;
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const moveCounts = (migrations) =>
  MOVE_STATES.filter((s) => migrations[s])
    .map((s) => `${migrations[s]} ${s}`)
    .join(' · ') || 'no moves';

/** What an operator has on the page while signed in: undefined for everyone else. */
let operatorControls;
/** partition → { state, until }: the state asked for, shown until the router's map has it (it polls every second). */
const expectedStates = new Map();

function setStatus(el, text, tone) {
  el.textContent = text;
  el.classList.remove('op-ok', 'op-bad', 'op-busy');
  if (tone) el.classList.add(`op-${tone}`);
}

function partitionState(name) {
  const expected = expectedStates.get(name);
  const known = partitionStates.get(name) ?? 'active';
  if (!expected) return known;
  if (known === expected.state || Date.now() > expected.until) {
    expectedStates.delete(name);
    return known;
  }
  return expected.state;
}

function mountOperatorControls() {
  const router = byId('router');
  const template = byId('moves-template');
  const drainTemplate = byId('drain-template');
  if (!router || !template || !drainTemplate || !topology) return undefined;
  const panel = template.content.firstElementChild.cloneNode(true);
  router.append(panel);
  const select = panel.querySelector('#move-partition');
  const partitioned = topology.cells.filter((c) => c.partitions);
  for (const cell of partitioned) {
    const options = cell.partitions.members.map((p) => h('option', { value: p.name, 'data-cell': cell.name }, p.name));
    select.append(...(partitioned.length > 1 ? [h('optgroup', { label: `${cell.name} cell` }, options)] : options));
  }
  panel.querySelector('#move-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void startMove(panel);
  });
  const drains = new Map();
  for (const [name, view] of cellViews) {
    if (!view.partitionOf) continue;
    const control = drainTemplate.content.firstElementChild.cloneNode(true);
    const button = control.querySelector('.drain-button');
    const status = control.querySelector('.drain-status');
    button.addEventListener('click', () => {
      if (partitionState(name) === 'draining') void undrain(name, drains.get(name));
      else askToDrain(name, drains.get(name));
    });
    view.box.append(control);
    drains.set(name, { control, button, actions: control.querySelector('.drain-actions'), status, shownState: undefined });
  }
  return { panel, drains, moving: false };
}

function unmountOperatorControls() {
  operatorControls.panel.remove();
  for (const d of operatorControls.drains.values()) d.control.remove();
  operatorControls = undefined;
}

/** On every refresh: controls for an operator only, the drain buttons after the partitions' states, the recent moves. */
async function refreshOperator() {
  const operator = !!operatorToken();
  if (!operator) {
    if (operatorControls) unmountOperatorControls();
    return;
  }
  operatorControls ??= mountOperatorControls();
  if (!operatorControls) return;
  const work = [refreshMoves()];
  for (const [name, d] of operatorControls.drains) {
    const state = partitionState(name);
    if (d.confirming) continue;
    showDrainButton(name, d, state);
    // A draining partition's drain: how far it has got (and, once over, how it ended) until it is undrained.
    if (state === 'draining') work.push(refreshDrain(name, d));
    else if (d.shownState === 'draining') setStatus(d.status, '', undefined);
    d.shownState = state;
  }
  await Promise.all(work);
}

function showDrainButton(name, d, state) {
  // A down partition answers nobody: its customers cannot be moved off it, and it is not draining.
  d.button.hidden = state === 'down';
  d.button.textContent = state === 'draining' ? 'Undrain' : 'Drain';
  d.button.setAttribute('aria-label', `${state === 'draining' ? 'Undrain' : 'Drain'} ${name}`);
}

function drainText(drain) {
  if (drain.state === 'running')
    return [`Draining: ${moveCounts(drain.migrations)} — ${plural(drain.customersLeft, 'customer')} left`, 'busy'];
  if (drain.state === 'done') {
    const rolledBack = drain.migrations['rolled-back'] ?? 0;
    const left = drain.customersLeft > 0 || rolledBack > 0;
    return [
      `Drained in ${seconds(drain.startedAt, drain.finishedAt)}: ${plural(drain.migrations.done ?? 0, 'customer')} moved, ${plural(rolledBack, 'move')} rolled back; ${plural(drain.customersLeft, 'customer')} left.`,
      left ? 'bad' : 'ok',
    ];
  }
  return [`Drain undone: ${moveCounts(drain.migrations)}.`, undefined];
}

async function refreshDrain(name, d) {
  try {
    const [text, tone] = drainText(await operatorApi('GET', `/cells/placement/partitions/${encodeURIComponent(name)}/drain`));
    setStatus(d.status, text, tone);
  } catch (error) {
    setStatus(d.status, `Drain: ${error.message}`, 'bad');
  }
}

/** Draining moves every customer of the partition: asked once more, in the page (no dialog). */
function askToDrain(name, d) {
  d.confirming = true;
  d.button.hidden = true;
  const customers = cellViews.get(name)?.customers?.textContent ?? '';
  const yes = h('button', { type: 'button', class: 'op-button op-danger' }, `Yes, drain ${name}`);
  const no = h('button', { type: 'button', class: 'op-button op-quiet' }, 'Keep it');
  const question = h(
    'p',
    { class: 'drain-question' },
    `Move every customer off ${name}${customers ? ` (${customers.split(' · ')[0]})` : ''}?`,
  );
  const done = () => {
    question.remove();
    yes.remove();
    no.remove();
    d.confirming = false;
    showDrainButton(name, d, partitionState(name));
  };
  yes.addEventListener('click', () => {
    done();
    void drain(name, d);
  });
  no.addEventListener('click', () => {
    done();
    d.button.focus();
  });
  d.actions.append(question, yes, no);
  yes.focus();
}

async function drain(name, d) {
  d.button.disabled = true;
  setStatus(d.status, `Starting the drain of ${name}…`, 'busy');
  try {
    const answer = await operatorApi('POST', `/cells/placement/partitions/${encodeURIComponent(name)}/drain`);
    expectedStates.set(name, { state: 'draining', until: Date.now() + 10_000 });
    showDrainButton(name, d, 'draining');
    d.shownState = 'draining';
    setStatus(d.status, ...drainText(answer));
  } catch (error) {
    setStatus(d.status, error.message, 'bad');
  } finally {
    d.button.disabled = false;
  }
}

async function undrain(name, d) {
  d.button.disabled = true;
  setStatus(d.status, `Making ${name} active again…`, 'busy');
  try {
    const answer = await operatorApi('POST', `/cells/placement/partitions/${encodeURIComponent(name)}/undrain`);
    expectedStates.set(name, { state: 'active', until: Date.now() + 10_000 });
    showDrainButton(name, d, 'active');
    d.shownState = 'active';
    const cancelled = answer.migrations.cancelled ?? 0;
    setStatus(
      d.status,
      `Active again: takes new customers.${cancelled ? ` ${plural(cancelled, 'move')} of its drain not started yet cancelled.` : ''}`,
      'ok',
    );
  } catch (error) {
    setStatus(d.status, error.message, 'bad');
  } finally {
    d.button.disabled = false;
  }
}

function moveText(m, states) {
  const steps = states.join(' → ');
  const orders = m.orders === null ? '' : ` · ${plural(m.orders, 'order')}`;
  const head = `${m.customerId}, ${m.from} → ${m.to}: ${steps}${orders}`;
  if (m.state === 'done') return [`${head} · ${seconds(m.createdAt, m.finishedAt)}. ${m.customerId} is served by ${m.to} now.`, 'ok'];
  if (MOVE_FINISHED.includes(m.state)) return [`${head}. ${m.reason ?? ''} ${m.customerId} stays on ${m.from}.`, 'bad'];
  return [`${head}${m.reason ? ` (retrying: ${m.reason})` : ''}…`, 'busy'];
}

/** The form's move: started, then followed until it ends, each state it reaches shown. */
async function startMove(panel) {
  const status = panel.querySelector('#move-status');
  const submit = panel.querySelector('#move-submit');
  const customerId = panel.querySelector('#move-customer').value.trim();
  const option = panel.querySelector('#move-partition').selectedOptions[0];
  if (!customerId || !option) return setStatus(status, 'Give the customer id and the partition to move them to.', 'bad');
  submit.disabled = true;
  setStatus(status, `Asking to move ${customerId} to ${option.value}…`, 'busy');
  try {
    let move = await operatorApi('POST', '/cells/migrations', { customerId, partition: option.value, cell: option.dataset.cell });
    const states = [move.state];
    setStatus(status, ...moveText(move, states));
    void refreshMoves();
    let failures = 0;
    while (!MOVE_FINISHED.includes(move.state)) {
      await sleep(MOVE_POLL_MS);
      try {
        move = await operatorApi('GET', `/cells/migrations/${encodeURIComponent(move.id)}`);
        failures = 0;
      } catch (error) {
        // gateway-global or the placement cell restarting: the move goes on there; keep asking a while.
        if (++failures < 20 && (error.status === 0 || error.status >= 502)) continue;
        throw new ProblemError(error.status, { detail: `Lost track of the move (${error.message}); it goes on: see Recent moves.` });
      }
      if (states.at(-1) !== move.state) states.push(move.state);
      setStatus(status, ...moveText(move, states));
    }
    void refreshMoves();
  } catch (error) {
    setStatus(status, error.message, 'bad');
  } finally {
    submit.disabled = false;
  }
}

async function refreshMoves() {
  if (!operatorControls) return;
  const { panel } = operatorControls;
  const status = panel.querySelector('#moves-status');
  let list;
  try {
    list = await operatorApi('GET', `/cells/migrations?limit=${RECENT_MOVES}`);
  } catch (error) {
    setStatus(status, error.message, 'bad');
    return;
  }
  setStatus(status, list.items.length ? '' : 'No customer has been moved yet.', undefined);
  const body = panel.querySelector('#moves-table').tBodies[0];
  const text = JSON.stringify(list.items);
  if (body.dataset.shown === text) return;
  body.dataset.shown = text;
  body.replaceChildren(
    ...list.items.map((m) =>
      h(
        'tr',
        { class: `move move-${m.state}` },
        h('td', {}, h('time', { datetime: m.createdAt }, time(m.createdAt))),
        h('th', { scope: 'row' }, h('code', {}, m.customerId), m.drain ? h('span', { class: 'source' }, ` drain of ${m.drain}`) : null),
        h('td', {}, `${m.from} → ${m.to}`),
        h('td', {}, h('span', { class: 'move-state' }, m.state), m.reason ? h('span', { class: 'move-reason' }, ` ${m.reason}`) : null),
        h('td', {}, m.orders ?? '–'),
      ),
    ),
  );
}

async function start() {
  try {
    const res = await fetch('/console/topology', { headers: { accept: 'application/json' } });
    topology = await res.json();
  } catch {
    byId('overall').textContent = 'The topology could not be loaded from gateway-global.';
    return;
  }
  renderEdge(topology);
  renderCells(topology);
  renderFlowTable(topology);
  drawFlows();
  window.addEventListener('resize', () => requestAnimationFrame(drawFlows));
  const refresh = () => Promise.all([refreshHealth().then(refreshOperator), refreshInstances()]);
  await refresh();
  setInterval(() => {
    if (document.visibilityState !== 'hidden') void refresh();
  }, HEALTH_EVERY_MS);
  connectFeed();
}

void start();
