import type { PartitionState } from './schemas.ts';

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/** 32-bit FNV-1a over the UTF-8 bytes of `text`: stable across processes, machines and releases. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of utf8.encode(text)) hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  return hash;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The partition a new customer gets: among the `active` partitions sorted by name, the one at
 * FNV-1a(customerId) modulo their number; undefined when none is active. Draining and down partitions
 * never receive a new customer. The placement core records the answer at first use, and gateway-global's
 * cell router computes the same answer from its copy of the map while the control plane is unreachable.
 *
 * @example
 * placeByRule('user-alice', [{ name: 'orders-1', state: 'active' }, { name: 'orders-2', state: 'active' }]); // 'orders-1' or 'orders-2', always the same
 * placeByRule('user-alice', [{ name: 'orders-1', state: 'down' }]); // undefined
 */
export function placeByRule(customerId: string, partitions: readonly { name: string; state: PartitionState }[]): string | undefined {
  const candidates = partitions.filter((p) => p.state === 'active').sort(byName);
  if (!candidates.length) return undefined;
  return candidates[fnv1a32(customerId) % candidates.length]!.name;
}
