import { request } from 'undici';

export interface PartitionGateway {
  /** `orders-2` */
  name: string;
  /** e.g. `http://127.0.0.1:4600` */
  origin: string;
}

export interface LookupResult {
  /** The first partition that answered 2xx. */
  owner?: string;
  /** Every answer in by then: the status, or undefined when the partition gateway gave none (refused, timed out). */
  answers: { partition: string; status: number | undefined }[];
}

/** HEAD `path` at one partition gateway: its status, or undefined when it does not answer. */
async function ask(gateway: PartitionGateway, path: string, authorization: string, timeoutMs: number): Promise<number | undefined> {
  try {
    const res = await request(gateway.origin + path, {
      method: 'HEAD',
      headers: { authorization },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump();
    return res.statusCode;
  } catch {
    return undefined;
  }
}

/**
 * Which partition holds `path`: asks every partition gateway `HEAD path` at once, with the caller's own
 * Authorization header (so each gateway checks the caller as for the real request), and settles as soon
 * as one answers 2xx, or once all have answered.
 *
 * @example
 * const { owner } = await findOwner([{ name: 'orders-1', origin: 'http://127.0.0.1:4200' }, …], '/orders/o-1', 'Bearer …', 2_000);
 */
export function findOwner(
  gateways: readonly PartitionGateway[],
  path: string,
  authorization: string,
  timeoutMs: number,
): Promise<LookupResult> {
  const answers: LookupResult['answers'] = [];
  return new Promise((resolve) => {
    let left = gateways.length;
    if (left === 0) resolve({ answers });
    for (const gateway of gateways) {
      void ask(gateway, path, authorization, timeoutMs).then((status) => {
        answers.push({ partition: gateway.name, status });
        if (status !== undefined && status >= 200 && status < 300) resolve({ owner: gateway.name, answers: [...answers] });
        if (--left === 0) resolve({ answers: [...answers] });
      });
    }
  });
}
