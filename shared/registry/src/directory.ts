import { watchBucket, type Bus } from '@retail/events';
import { createPool, type Pool } from '@retail/http-client';
import type { Logger } from '@retail/kernel';
import { REGISTRY_BUCKET, REGISTRY_TTL_MS, type InstanceEntry } from './entry.ts';

export interface Directory {
  /** Live instances (of one cell, or one component of it), oldest first. */
  instances(cell?: string, component?: string): InstanceEntry[];
  /** The origins of a component's live instances, oldest first (a cached list: cheap on every request). */
  origins(cell: string, component: string): readonly string[];
  /** Balanced calls to a component's instances (`fallback`: its configured URL, while none is listed). */
  pool(options: { name: string; cell: string; component: string; fallback: string }): Pool;
  /** Whether the registry is read live now; when not, the last instances known are kept. */
  isLive(): boolean;
  /** Resolves once the registry has been read (or could not be: the pools then use their fallbacks). */
  ready: Promise<void>;
  close(): void;
}

/** Oldest first: the first instance of a component before those scaled out later. */
const byAge = (a: InstanceEntry, b: InstanceEntry) => a.startedAt.localeCompare(b.startedAt) || a.instance.localeCompare(b.instance);

/**
 * A caller's local copy of the registry: read once, then kept up to date from the heartbeats as they
 * are published (`watchBucket`), never asked per request. An instance whose last heartbeat is older
 * than the TTL is dropped; while the registry cannot be read (NATS away), nothing is dropped: callers
 * go on with the instances they knew.
 */
export function openDirectory(options: { bus: Bus; logger: Logger; ttlMs?: number }): Directory {
  const { ttlMs = REGISTRY_TTL_MS } = options;
  // `cell/component` → live origins, recomputed on every change and every second (for the TTL), not per
  // call. Heartbeats repeat the same value: each distinct value is parsed once.
  let byComponent = new Map<string, string[]>();
  let live: InstanceEntry[] = [];
  const parsed = new Map<string, { raw: string; entry: InstanceEntry | undefined }>();
  const parse = (key: string, raw: string): InstanceEntry | undefined => {
    const known = parsed.get(key);
    if (known?.raw === raw) return known.entry;
    let entry: InstanceEntry | undefined;
    try {
      entry = JSON.parse(raw) as InstanceEntry;
    } catch {
      // Not an entry (a stray write): not an instance.
    }
    parsed.set(key, { raw, entry });
    return entry;
  };
  let shown = '';
  const recompute = () => {
    const now = Date.now();
    const fresh = view.isLive();
    const next: InstanceEntry[] = [];
    for (const { key, value, at } of view.entries().values()) {
      if (fresh && now - at.getTime() > ttlMs) continue;
      const entry = parse(key, value);
      if (entry) next.push(entry);
    }
    for (const key of parsed.keys()) if (!view.entries().has(key)) parsed.delete(key);
    // Unchanged (the usual heartbeat): nothing to rebuild.
    const signature = next.map((e) => `${e.cell}/${e.component}/${e.instance}@${e.url}`).join(' ');
    if (signature === shown && next.length === live.length) {
      live = next.sort(byAge);
      return;
    }
    shown = signature;
    next.sort(byAge);
    const urls = new Map<string, string[]>();
    for (const entry of next) {
      const key = `${entry.cell}/${entry.component}`;
      urls.set(key, [...(urls.get(key) ?? []), new URL(entry.url).origin]);
    }
    live = next;
    byComponent = urls;
  };
  const view = watchBucket({ bus: options.bus, bucket: REGISTRY_BUCKET, logger: options.logger, onChange: recompute });
  const timer = setInterval(recompute, 1_000);
  timer.unref();
  const none: string[] = [];

  return {
    instances: (cell, component) => live.filter((e) => (!cell || e.cell === cell) && (!component || e.component === component)),
    origins: (cell, component) => byComponent.get(`${cell}/${component}`) ?? none,
    pool: ({ name, cell, component, fallback }) =>
      createPool({ name, fallback: new URL(fallback).origin, instances: () => byComponent.get(`${cell}/${component}`) ?? none }),
    isLive: view.isLive,
    ready: view.ready,
    close() {
      clearInterval(timer);
      view.close();
    },
  };
}
