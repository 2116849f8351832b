import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { BucketSpec } from '@retail/events';

/** The bucket every instance registers in (provisioned with the streams; see compose/src/nats-auth.ts for who may write what). */
export const REGISTRY_BUCKET = 'registry';
/** An instance not heard of for this long is gone: the bucket forgets it, and so does every directory. */
export const REGISTRY_TTL_MS = 15_000;
/** How often a running instance says it is still there: three heartbeats fit in the TTL. */
export const HEARTBEAT_MS = 5_000;

export const registryBucket: BucketSpec = { name: REGISTRY_BUCKET, maxAgeMs: REGISTRY_TTL_MS };

/** One running process of a component, as it registers itself. */
export interface InstanceEntry {
  /** The running cell: `products`, a partition `orders-2`, or `edge` for gateway-global. */
  cell: string;
  /** `gateway`, `checkout`, … or `gateway-global`. */
  component: string;
  /** Unique per process start: `p4123-9f3a`. */
  instance: string;
  /** Where callers reach it: `http://127.0.0.1:4201`. */
  url: string;
  version: string;
  /** ISO time. */
  startedAt: string;
  host: string;
  pid: number;
  /** Its effective non-secret settings, with where each came from (the console shows them). */
  config?: Record<string, { value: unknown; source: string }>;
  /** Settings it refused (an invalid value in the config bucket), with why; it keeps the one it had. */
  refused?: Record<string, string>;
}

/** `orders-2.checkout.p4123-9f3a`: the cell's prefix is the only part of the bucket its NATS user may write. */
export const registryKey = (entry: Pick<InstanceEntry, 'cell' | 'component' | 'instance'>) =>
  `${entry.cell}.${entry.component}.${entry.instance}`;

/** A new instance id for this process. */
export const newInstanceId = () => `p${process.pid}-${randomBytes(2).toString('hex')}`;

export const thisHost = () => hostname();
