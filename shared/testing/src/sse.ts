import type { ReadableStreamReadResult } from 'node:stream/web';
/** One server-sent event as it arrived. */
export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

export interface SseReader {
  /** The next event (of `type`, when given), skipping others; throws after `timeoutMs` or at the end of the stream. */
  next(type?: string, timeoutMs?: number): Promise<SseEvent>;
  /** Every event read so far. */
  events: SseEvent[];
  /** Comment lines (`: keep-alive`) read so far. */
  comments(): number;
  /** Resolves when the server ends the stream (true) or after `timeoutMs` (false). */
  ended(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Reads an event stream (text/event-stream) as the EventSource algorithm parses it. */
export function sseReader(body: ReadableStream<Uint8Array>): SseReader {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  let comments = 0;
  let consumed = 0;
  let done = false;

  const parse = () => {
    for (let end = buffer.search(/\r?\n\r?\n/); end >= 0; end = buffer.search(/\r?\n\r?\n/)) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.slice(end).startsWith('\r\n\r\n') ? 4 : 2));
      const event: SseEvent = { event: 'message', data: '' };
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':')) {
          comments++;
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0 || event.event !== 'message') events.push({ ...event, data: data.join('\n') });
    }
  };
  // A read outlives a timeout: the next call waits for the same one, so no chunk is lost.
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  const readMore = async (deadline: number) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()))));
    // A connection cut is an end as well as a clean close.
    pending ??= reader.read().catch((): ReadableStreamReadResult<Uint8Array> => ({ done: true, value: undefined }));
    const chunk = await Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
    if (chunk === 'timeout') return false;
    pending = undefined;
    if (chunk.done) done = true;
    else {
      buffer += decoder.decode(chunk.value, { stream: true });
      parse();
    }
    return true;
  };

  return {
    events,
    comments: () => comments,
    async next(type, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (consumed < events.length) {
          const event = events[consumed++]!;
          if (!type || event.event === type) return event;
        }
        if (done) throw new Error(`the stream ended before ${type ? `a ${type} event` : 'an event'}`);
        if (!(await readMore(deadline))) throw new Error(`no ${type ?? ''} event within ${timeoutMs} ms; read: ${JSON.stringify(events)}`);
      }
    },
    async ended(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done) if (!(await readMore(deadline))) return false;
      return true;
    },
    close: () => reader.cancel().catch(() => undefined),
  };
}
