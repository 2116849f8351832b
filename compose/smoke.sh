#!/usr/bin/env bash
# The compose smoke test: build the image, bring the whole system up from compose/compose.yaml, wait
# until every container is healthy, then drive the public API through gateway-global's published port
# (sign in, list products, place an order, see it CONFIRMED), and tear everything down again — also
# when something fails. Exits non-zero on any failure. The stack starts with no secret given: setup must
# have generated every one, and the development logins (admin/admin, alice/alice) must not work.
# Demo users are switched on explicitly (DEMO_USERS=true); alice's password is read from setup's store.
#
#   bash compose/smoke.sh
#   SMOKE_NATS_NODES=3 bash compose/smoke.sh    the same over compose.nats-cluster.yaml: NATS as a 3-node cluster
#
# Engine: $CONTAINER_ENGINE (or `container-engine` on PATH), a Docker-API engine wrapper with the
# commands up / smoke / down; otherwise Docker Compose v2 (`docker compose`).
# Runs as its own compose project (SMOKE_PROJECT, default cellular-retail-smoke) on free host ports
# (SMOKE_GATEWAY_PORT, SMOKE_JAEGER_UI_PORT), so it never touches a system started by hand.
set -euo pipefail
cd "$(dirname "$0")"

project=${SMOKE_PROJECT:-cellular-retail-smoke}
file=.smoke-$project.yaml
engine=${CONTAINER_ENGINE:-$(command -v container-engine || true)}
started=$SECONDS
failed_step=""

say() { printf '\n[smoke %3ds] %s\n' $((SECONDS - started)) "$*"; }

# The first port from $1 on that nothing listens on.
free_port() {
  local port=$1
  while (: </dev/tcp/127.0.0.1/"$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

engine_down() {
  if [ -n "$engine" ]; then "$engine" down "$file"; else engine_compose down -v --remove-orphans; fi
}

engine_compose() {
  if [ -n "$engine" ]; then "$engine" compose -f "$file" "$@"; else docker compose -p "$project" -f "$file" "$@"; fi
}

# Run inside a container on failure: slow name resolution there turns into timeouts between services.
lookups='const dns = require("node:dns").promises;
(async () => { for (const name of ["orders-1-orders", "orders-1-gateway", "gateway-global", "nats"]) {
  const t = Date.now(); const r = await dns.lookup(name).then((a) => a.address, (e) => e.code);
  console.log(`  ${name}: ${r} in ${Date.now() - t} ms`); } })()'

teardown() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -f "$file" ]; then
    say "what the containers said last"
    engine_compose ps 2>&1 || true
    engine_compose logs --no-color --tail=25 2>&1 || true
    say "how long orders-1-checkout takes to resolve the names it calls"
    engine_compose exec -T orders-1-checkout node -e "$lookups" 2>&1 || true
  fi
  say "tearing down project $project"
  engine_down 2>&1 | tail -n 3 || true
  rm -f "$file"
  if [ "$status" -eq 0 ]; then say "PASSED in $((SECONDS - started)) s"; else say "FAILED (exit $status) after $((SECONDS - started)) s${failed_step:+: $failed_step}"; fi
  exit "$status"
}

# The committed file under this run's own project name; it stays in compose/ so relative paths hold.
sed "s/^name: .*/name: $project/" compose.yaml >"$file"
trap teardown EXIT

# SMOKE_NATS_NODES=3: compose.yaml with compose.nats-cluster.yaml merged over it, as `docker compose -f
# compose.yaml -f compose.nats-cluster.yaml` would run them (one file, which the engine's commands take).
merge_cluster() {
  [ "${SMOKE_NATS_NODES:-1}" = 3 ] || return 0
  say "NATS as a 3-node cluster: compose.nats-cluster.yaml merged over compose.yaml"
  sed '/^name: /d' compose.yaml >".base-$file"
  local merged
  if command -v docker-compose >/dev/null; then
    merged=$(docker-compose -f ".base-$file" -f compose.nats-cluster.yaml config)
  else
    merged=$(docker compose -f ".base-$file" -f compose.nats-cluster.yaml config)
  fi
  rm -f ".base-$file"
  printf 'name: %s\n%s\n' "$project" "$merged" >"$file"
}

export GATEWAY_PORT=${SMOKE_GATEWAY_PORT:-$(free_port 18080)}
export JAEGER_UI_PORT=${SMOKE_JAEGER_UI_PORT:-$(free_port 26686)}
export PUBLIC_URL=http://localhost:$GATEWAY_PORT
export DEMO_USERS=true
base=http://127.0.0.1:$GATEWAY_PORT

if [ -n "$engine" ]; then
  say "preparing the container engine ($engine up)"
  eval "$("$engine" up)"
  merge_cluster
  say "removing what an earlier run may have left"
  engine_down >/dev/null 2>&1 || true
  say "building the image and starting every service; waiting until all are healthy"
  # The engine (podman under the Docker API) has, after many runs on one machine, failed to start a
  # container ("write child: broken pipe"). A second attempt on a restarted engine tells that apart
  # from a real failure; a real failure fails both.
  failed_step="the engine could not build or start every service, or one stayed unhealthy (see its state and logs above)"
  if ! "$engine" smoke "$file"; then
    say "the engine could not start everything; restarting the engine and trying once more"
    engine_down >/dev/null 2>&1 || true
    "$engine" stop || true
    eval "$("$engine" up)"
    "$engine" smoke "$file"
  fi
  failed_step=""
else
  command -v docker >/dev/null || { echo "needs CONTAINER_ENGINE, container-engine on PATH, or Docker Compose v2" >&2; exit 2; }
  merge_cluster
  engine_down >/dev/null 2>&1 || true
  say "building the image and starting every service; waiting until all are healthy"
  engine_compose up -d --build --wait
fi

say "secrets: every one generated by setup, none a development default"
expected=$(cd .. && node --input-type=module -e "import('./compose/src/secrets.ts').then(async ({ storedSecretNames }) => { const { systemCells } = await import('@retail/topology'); console.log(storedSecretNames(systemCells()).join(' ')); })")
stored=$(engine_compose exec -T setup sh -c 'cd /setup-store && for f in *; do printf "%s %s\n" "$f" "$(wc -c <"$f")"; done')
for name in $expected; do
  length=$(awk -v n="$name" '$1 == n { print $2 }' <<<"$stored")
  if [ -z "$length" ] || [ "$length" -lt 32 ]; then
    failed_step="secret $name was not generated (length ${length:-none})"
    echo "$failed_step" >&2
    exit 1
  fi
done
echo "  ✓ $(wc -w <<<"$expected") secrets generated and kept in setup's store"
alice_password=$(engine_compose exec -T setup cat /setup-store/DEMO_PASSWORD_ALICE)

say "API scenario against gateway-global at $base"
# What failed is said again on the closing line, below the containers' logs.
set +e
BASE=$base ALICE_PASSWORD=$alice_password node --input-type=module - 2>&1 <<'EOF' | tee ".failure-$file"
const base = process.env.BASE;
const step = (text) => console.log(`  ✓ ${text}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// A read on a cold stack, retried as the order below is: its first hop may still be resolving names.
async function settled(what, attempt) {
  const by = Date.now() + 90_000;
  for (;;) {
    const res = await attempt().catch((error) => ({ status: 0, text: String(error) }));
    if ((res.status !== 0 && res.status < 500) || Date.now() > by) return res;
    console.log(`    (${res.status || 'no answer'} for ${what}: ${res.text.slice(0, 120)} — retrying)`);
    await sleep(2_000);
  }
}
async function call(method, path, { token, body, form, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, signal: AbortSignal.timeout(10_000) };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (form) init.body = new URLSearchParams(form);
  if (body) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, type: res.headers.get('content-type') ?? '', partition: res.headers.get('x-cell-partition'), json, text };
}
function expect(ok, what, res) {
  if (!ok) throw new Error(`${what}${res ? ` — got ${res.status} ${res.text.slice(0, 300)}` : ''}`);
}

const ready = await settled('/readyz', () => call('GET', '/readyz'));
expect(ready.status === 200, 'gateway-global is ready', ready);
step('gateway-global answers /readyz through the published port');

const wrong = await call('POST', '/auth/token', { form: { grant_type: 'password', username: 'alice@example.com', password: 'not-her-password' } });
expect(wrong.status === 400 && wrong.json?.error === 'invalid_grant', 'a wrong password is refused with 400 invalid_grant (RFC 6749)', wrong);
step(`a wrong password is refused (${wrong.status}, ${wrong.json?.error})`);

for (const [username, password] of [['admin@example.com', 'admin'], ['alice@example.com', 'alice']]) {
  const refused = await call('POST', '/auth/token', { form: { grant_type: 'password', username, password } });
  expect(refused.status === 400 || refused.status === 401, `the development login ${username}/${password} is refused`, refused);
}
step('the development logins admin/admin and alice/alice are refused');

const signIn = await call('POST', '/auth/token', { form: { grant_type: 'password', username: 'alice@example.com', password: process.env.ALICE_PASSWORD } });
expect(signIn.status === 200 && signIn.json?.access_token, 'alice signs in', signIn);
const token = signIn.json.access_token;
step('alice signs in with the password setup generated for her (OAuth2 password grant)');

const list = await settled('the catalog', () => call('GET', '/api/products?pageSize=50'));
expect(list.status === 200 && list.json?.items?.length > 0, 'the catalog lists products', list);
const product = list.json.items.find((p) => (p.availability?.available ?? 0) > 0) ?? list.json.items[0];
step(`the catalog lists ${list.json.total} products; ordering ${product.sku}`);

// A cold stack may answer 503 ("try again shortly"), or not in time, for a while: a service's first call to another
// waits for its name to resolve, and some engines' container DNS is slow in the first minute (podman's
// aardvark-dns has taken 5–20 s per lookup). Retry for up to 90 s, as a client is told to.
const order = { lines: [{ sku: product.sku, quantity: 1 }], shippingAddress: { name: 'Alice', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' } };
const key = `smoke-${Date.now()}`;
const placeBy = Date.now() + 90_000;
let placed;
// The same Idempotency-Key each time, so a retry after a gateway timeout (504) or a client-side one
// cannot place the order twice.
for (let attempt = 1; ; attempt++) {
  placed = await call('POST', '/api/orders', { token, body: order, headers: { 'idempotency-key': key } }).catch((error) => ({
    status: 0,
    text: String(error),
    json: { detail: `no answer: ${error.name}` },
  }));
  const retryable = placed.status === 0 || placed.status === 502 || placed.status === 503 || placed.status === 504;
  if (!retryable || Date.now() > placeBy) break;
  console.log(`    (${placed.status || 'no answer'} on attempt ${attempt}: ${placed.json?.detail ?? ''} — retrying)`);
  await sleep(2_000);
}
expect(placed.status === 201 && placed.json?.id, 'the order is accepted', placed);
expect(/^orders-\d$/.test(placed.partition ?? ''), 'the cell router names the partition that took the order (X-Cell-Partition)', placed);
step(`order ${placed.json.id} accepted by partition ${placed.partition}: ${placed.json.status}, total ${placed.json.total} ${placed.json.currency}`);

const deadline = Date.now() + 60_000;
let seen;
while (Date.now() < deadline) {
  seen = await call('GET', `/api/orders/${placed.json.id}`, { token });
  if (seen.json?.status && seen.json.status !== 'PENDING') break;
  await sleep(500);
}
expect(seen?.json?.status === 'CONFIRMED', 'the order is CONFIRMED by the saga (inventory reserved it over NATS)', seen);
step(`order ${placed.json.id} is CONFIRMED (${seen.json.history.map((h) => h.status).join(' → ')})`);
EOF
scenario_status=${PIPESTATUS[0]}
set -e
if [ "$scenario_status" -ne 0 ]; then
  failed_step=$(grep -m1 -E '^(Error|[A-Za-z]*Error)' ".failure-$file" || echo "the API scenario (exit $scenario_status)")
  rm -f ".failure-$file"
  exit "$scenario_status"
fi
rm -f ".failure-$file"
