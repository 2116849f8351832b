import { type Dispatcher, request } from 'undici';
import { ServiceUnavailableError } from '@retail/kernel';

export type TokenSource = () => Promise<string>;

/**
 * A bearer token fetched with HTTP Basic client credentials and reused until shortly before it
 * expires. Concurrent callers share one fetch.
 */
export function cachedClientCredentials(options: { tokenUrl: string; clientId: string; secret: string; name: string }): TokenSource {
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;
  const basic = `Basic ${Buffer.from(`${options.clientId}:${options.secret}`).toString('base64')}`;

  const fetchToken = async () => {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(options.tokenUrl, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
        headersTimeout: 3_000,
        bodyTimeout: 3_000,
      });
    } catch {
      throw new ServiceUnavailableError(`${options.name} is unavailable; try again shortly.`);
    }
    const body = (await res.body.json()) as { access_token?: string; expires_in?: number };
    if (res.statusCode !== 200 || !body.access_token)
      throw new ServiceUnavailableError(`${options.name} refused this service's credentials (${res.statusCode}).`);
    const ttlMs = (body.expires_in ?? 60) * 1000;
    cached = { token: body.access_token, refreshAt: Date.now() + ttlMs * 0.7 };
    return body.access_token;
  };

  return async () => {
    if (cached && Date.now() < cached.refreshAt) return cached.token;
    inflight ??= fetchToken().finally(() => (inflight = undefined));
    return inflight;
  };
}

/** Workload tokens from the component's own cell gateway, for its own credential, for calling the other services of its cell. */
export function cellWorkloadTokens(options: { cellGatewayUrl: string; component: string; workloadSecret: string }): TokenSource {
  return cachedClientCredentials({
    tokenUrl: `${options.cellGatewayUrl}/internal/token`,
    clientId: options.component,
    secret: options.workloadSecret,
    name: 'the cell gateway',
  });
}
