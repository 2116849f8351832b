/**
 * A workload token of a cell: what a component gets from its cell gateway's `POST /internal/token`
 * with its name and its own workload credential. It is an internal token like the ones the gateway puts on the
 * requests it forwards (same keys, issuer and audience), so the service accepts it. The gateway reuses
 * a token until 20 s before it expires (60 s TTL): ask again before each run.
 */
export function workloadToken(options: { gatewayUrl: string; component: string; workloadSecret: string }): () => Promise<string> {
  const basic = Buffer.from(`${options.component}:${options.workloadSecret}`).toString('base64');
  return async () => {
    const res = await fetch(`${options.gatewayUrl}/internal/token`, { method: 'POST', headers: { authorization: `Basic ${basic}` } });
    if (!res.ok) throw new Error(`workload token from ${options.gatewayUrl}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };
}
