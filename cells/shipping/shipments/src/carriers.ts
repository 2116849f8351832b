import { createHash, randomInt } from 'node:crypto';

export const CARRIERS = ['UPS', 'DHL', 'FedEx'] as const;
export type Carrier = (typeof CARRIERS)[number];

/** The same order always goes with the same carrier (so a retried creation cannot pick another one). */
export function carrierFor(orderId: string): Carrier {
  const digest = createHash('sha256').update(orderId).digest();
  return CARRIERS[digest.readUInt32BE(0) % CARRIERS.length]!;
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const ALPHANUMERIC = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';
const alphanumeric = (n: number) => Array.from({ length: n }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');

/** The UPS check digit over the 15 characters after `1Z`: letters count as (code − 63) mod 10, even positions double. */
export function upsCheckDigit(body: string): number {
  let sum = 0;
  [...body].forEach((ch, i) => {
    const value = /\d/.test(ch) ? Number(ch) : (ch.charCodeAt(0) - 63) % 10;
    sum += i % 2 === 1 ? value * 2 : value;
  });
  return (10 - (sum % 10)) % 10;
}

/** A tracking number in the carrier's own format: UPS `1Z` + 16 with a check digit, DHL Express 10 digits, FedEx 12 digits. */
export function trackingNumberFor(carrier: Carrier): string {
  switch (carrier) {
    case 'UPS': {
      const body = `${alphanumeric(6)}${digits(9)}`;
      return `1Z${body}${upsCheckDigit(body)}`;
    }
    case 'DHL':
      return `${randomInt(1, 10)}${digits(9)}`;
    case 'FedEx':
      return `${randomInt(1, 10)}${digits(11)}`;
  }
}
