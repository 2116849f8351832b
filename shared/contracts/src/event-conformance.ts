import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Checks real NATS traffic against the AsyncAPI event catalog (`asyncApiDocument`): every message on a
 * cell's subjects must be on a channel of the document (a partition-addressed one included), and an
 * event must be a valid CloudEvents envelope whose `type` is its channel's subject, whose `partition`
 * is the one its subject names, and whose `data` matches the channel's payload schema. A dead letter is
 * checked for its own shape: the headers that say why.
 */

/** One message that does not conform. */
export interface EventViolation {
  /** The subject it came on, as on the wire (`inventory.orders-2.reservation.confirmed`). */
  subject: string;
  /** The event's id, when the message has one. */
  id: string | undefined;
  problems: string[];
}

export interface EventConformanceReport {
  /** Messages checked. */
  checked: number;
  /** Messages per subject, as on the wire. */
  bySubject: Record<string, number>;
  /** Messages per channel of the document (`orders.order.placed` for every partition's): what the run exercised. */
  byChannel: Record<string, number>;
  violations: EventViolation[];
}

/** What checking one message found. */
export interface MessageCheck {
  /** Its channel in the document; undefined when none has its subject. */
  channel: string | undefined;
  id: string | undefined;
  problems: string[];
}

type Reference = { $ref: string };
type Message = { contentType?: string; headers?: unknown; payload?: unknown };
type Channel = { address?: string | null; parameters?: Record<string, unknown>; messages?: Record<string, Reference | Message> };
type AsyncApi = {
  defaultContentType?: string;
  channels?: Record<string, Channel>;
  components?: { messages?: Record<string, Message> };
};

const DOCUMENT_ID = 'https://retail.invalid/asyncapi.json';
/** What a `{partition}` parameter stands for: `orders-2` (`isPartitionName` of @retail/descriptor). */
const PARTITION_TOKEN = '[a-z][a-z0-9]*-[1-9]';
const CLOUDEVENTS = 'application/cloudevents+json';
const isJson = (contentType: string) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType);
const pointer = (...tokens: string[]) => tokens.map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const utf8 = new TextDecoder();

/** Subjects no cell publishes events on: JetStream's API and key-value buckets (the registry, the configuration), replies. */
const ignored = (subject: string) => subject.startsWith('$') || subject.startsWith('_INBOX.');

interface CompiledChannel {
  id: string;
  pattern: RegExp;
  /** The parameters' names, in the order of the pattern's groups. */
  parameters: string[];
  /** The message's place in the document, as a JSON pointer. */
  messagePointer: string;
  message: Message;
}

function errorText(prefix: string, error: ErrorObject): string {
  const params =
    error.keyword === 'additionalProperties'
      ? ` (${(error.params as { additionalProperty: string }).additionalProperty})`
      : error.keyword === 'enum'
        ? ` (${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)})`
        : '';
  return `${prefix} ${error.message}${params}`.trim();
}

/**
 * The checks of `watchEvents`, for one message at a time: `check(subject, bytes, headers)` says which
 * channel it is on and what is wrong with it (nothing: it conforms). `cells` are the first tokens of the
 * document's addresses: the cells whose subjects (`<cell>.>`) carry its messages.
 */
export function eventChecker(document: unknown) {
  const doc = document as AsyncApi;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...(doc as object), $id: DOCUMENT_ID });
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (at: string) => {
    let validate = compiled.get(at);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${at}` });
      compiled.set(at, validate);
    }
    return validate;
  };

  const resolveMessage = (channelId: string, key: string, value: Reference | Message): { at: string; message: Message } => {
    if ('$ref' in value) {
      const name = value.$ref.replace('#/components/messages/', '');
      const message = doc.components?.messages?.[name];
      if (!message) throw new Error(`channel ${channelId}: ${value.$ref} is not in the document`);
      return { at: `/${pointer('components', 'messages', name)}`, message };
    }
    return { at: `/${pointer('channels', channelId, 'messages', key)}`, message: value };
  };

  const channels: CompiledChannel[] = Object.entries(doc.channels ?? {}).flatMap(([id, channel]) => {
    const address = channel.address ?? id;
    const [first] = Object.entries(channel.messages ?? {});
    if (!first) return [];
    const { at, message } = resolveMessage(id, first[0], first[1]);
    const parameters: string[] = [];
    const source = address
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const name = /^\{([^}]+)\}$/.exec(part)?.[1];
        if (name === undefined) return escapeRegExp(part);
        parameters.push(name);
        return name === 'partition' ? `(${PARTITION_TOKEN})` : '([^.]+)';
      })
      .join('');
    return [{ id, pattern: new RegExp(`^${source}$`), parameters, messagePointer: at, message }];
  });
  // A literal address wins over one with parameters.
  channels.sort((a, b) => a.parameters.length - b.parameters.length);

  const cells = [...new Set(channels.map((c) => (doc.channels?.[c.id]?.address ?? c.id).split('.')[0]!))].sort();

  function check(subject: string, bytes: Uint8Array | string, headers: Readonly<Record<string, string>> = {}): MessageCheck {
    const text = typeof bytes === 'string' ? bytes : utf8.decode(bytes);
    let body: unknown;
    let parsed = false;
    try {
      body = JSON.parse(text);
      parsed = true;
    } catch {
      // said below, where it matters
    }
    const id = parsed && isObject(body) && typeof body.id === 'string' ? body.id : undefined;

    const found = channels.map((c) => ({ channel: c, match: c.pattern.exec(subject) })).find((m) => m.match !== null);
    if (!found?.match) return { channel: undefined, id, problems: [`no channel of the document has the subject ${subject}`] };
    const { channel, match } = found;
    const values = Object.fromEntries(channel.parameters.map((name, i) => [name, match[i + 1]!]));

    const problems: string[] = [];
    if (channel.message.headers !== undefined) {
      const validate = validatorAt(`${channel.messagePointer}/headers`);
      if (!validate(headers)) problems.push(...(validate.errors ?? []).slice(0, 5).map((e) => errorText(`headers${e.instancePath}`, e)));
    }
    const contentType = channel.message.contentType ?? doc.defaultContentType ?? '';
    if (!isJson(contentType)) return { channel: channel.id, id, problems };
    if (!parsed) return { channel: channel.id, id, problems: [...problems, 'the message is not JSON'] };

    if (channel.message.payload !== undefined) {
      const validate = validatorAt(`${channel.messagePointer}/payload`);
      if (!validate(body)) {
        for (const error of (validate.errors ?? []).slice(0, 8)) {
          // The type is compared with the channel below, in plain words.
          if (error.instancePath === '/type' && error.keyword === 'const') continue;
          const inData = error.instancePath === '/data' || error.instancePath.startsWith('/data/');
          problems.push(errorText(inData ? `data${error.instancePath.slice('/data'.length)}` : `envelope${error.instancePath}`, error));
        }
      }
    }
    if (contentType === CLOUDEVENTS && isObject(body)) {
      if (body.type !== channel.id) problems.push(`type ${JSON.stringify(body.type)} is not the channel’s ${channel.id}`);
      const partition = values.partition;
      if (partition !== undefined && body.partition !== partition)
        problems.push(`partition ${JSON.stringify(body.partition)} is not the subject’s ${partition}`);
      if (partition === undefined && body.partition !== undefined)
        problems.push(`partition ${JSON.stringify(body.partition)} on a subject not addressed to a partition`);
      const msgId = headers['Nats-Msg-Id'];
      if (msgId !== undefined && msgId !== id) problems.push(`the Nats-Msg-Id header ${msgId} is not the event’s id`);
    }
    return { channel: channel.id, id, problems };
  }

  return { check, cells };
}

export type EventCheck = ReturnType<typeof eventChecker>;

export interface WatchEventsOptions {
  /** NATS server URLs (`nats://127.0.0.1:4222`), or several separated by commas. */
  servers: string | readonly string[];
  /** A NATS user that may subscribe to every cell's subjects (`edge` or `system`). */
  user?: string;
  pass?: string;
  /** The AsyncAPI document to check against (`asyncApiDocument`, or a committed copy). */
  document: unknown;
  /** What to subscribe to; every `<cell>.>` of the document's channels unless given. */
  subjects?: readonly string[];
  /** The connection's name on the server. */
  name?: string;
}

export interface EventWatch {
  /** The subjects it listens on. */
  subjects: readonly string[];
  /** What it has seen so far. */
  report(): EventConformanceReport;
  /** Stop listening (after the messages already received) and say what it saw. */
  close(): Promise<EventConformanceReport>;
}

const headersOf = (msg: Msg): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const key of msg.headers?.keys() ?? []) out[key] = msg.headers!.get(key);
  return out;
};

/**
 * Watch the events on NATS with plain core subscriptions (JetStream delivers what it stores to core
 * subscribers too, and a watcher needs no durable consumer) and check each against `document`. Resolves
 * once the server has the subscriptions: what is published after that is seen.
 */
export async function watchEvents(options: WatchEventsOptions): Promise<EventWatch> {
  const checker = eventChecker(options.document);
  const subjects = options.subjects ?? checker.cells.map((cell) => `${cell}.>`);
  const nc: NatsConnection = await connect({
    servers: typeof options.servers === 'string' ? options.servers.split(',') : [...options.servers],
    name: options.name ?? 'event-conformance',
    user: options.user || undefined,
    pass: options.pass || undefined,
  });
  const bySubject: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  const violations: EventViolation[] = [];
  let checked = 0;
  const subscriptionErrors: string[] = [];

  for (const subject of subjects) {
    nc.subscribe(subject, {
      callback: (error, msg) => {
        if (error) {
          subscriptionErrors.push(`${subject}: ${error.message}`);
          return;
        }
        if (ignored(msg.subject)) return;
        checked++;
        bySubject[msg.subject] = (bySubject[msg.subject] ?? 0) + 1;
        const result = checker.check(msg.subject, msg.data, headersOf(msg));
        if (result.channel) byChannel[result.channel] = (byChannel[result.channel] ?? 0) + 1;
        if (result.problems.length) violations.push({ subject: msg.subject, id: result.id, problems: result.problems });
      },
    });
  }
  await nc.flush();

  const report = (): EventConformanceReport => {
    if (subscriptionErrors.length) throw new Error(`the event watch lost subscriptions: ${subscriptionErrors.join('; ')}`);
    return {
      checked,
      bySubject: Object.fromEntries(Object.entries(bySubject).sort(([a], [b]) => a.localeCompare(b))),
      byChannel: Object.fromEntries(Object.entries(byChannel).sort(([a], [b]) => a.localeCompare(b))),
      violations: [...violations],
    };
  };

  return {
    subjects,
    report,
    async close() {
      if (!nc.isClosed()) await nc.drain();
      return report();
    },
  };
}
