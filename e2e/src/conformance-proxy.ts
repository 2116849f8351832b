import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { responseChecker } from '@retail/contracts/conformance';

/** An answer that did not match the document, with the request it answered. */
export interface Violation {
  request: string;
  status: number;
  problems: string[];
}

export interface ConformanceProxy {
  /** Where the tests send what they would send to gateway-global. */
  url: string;
  /** Answers checked so far. */
  checked(): number;
  violations: Violation[];
  close(): Promise<void>;
}

/** JSON bodies up to this size are checked; a larger one is passed on unread (none of the API's is). */
const MAX_CHECKED_BYTES = 4 * 1024 * 1024;
/** A request body up to this size is kept while it passes, to be sent again if the connection it went on was closing. */
const MAX_REPLAYED_BYTES = 1024 * 1024;
/** Paths the public API document covers: an answer there on a path it does not know must be a problem. */
const API_PREFIXES = ['/api/', '/auth/', '/.well-known/'];
/** The API reference page's own files (its script and styles): served beside the API, not part of it. */
const DOCS_ASSETS = '/api/docs/';

/**
 * A pass-through in front of gateway-global for the system tests: every request and answer goes through
 * unchanged (streamed; server-sent events too), and every answer is checked against the public OpenAPI
 * document (`responseChecker`). The storefront's and the console's static files are outside the document.
 * A connection gateway-global refuses is refused here too, so a test of a stopped gateway sees the same.
 */
export async function startConformanceProxy(target: string, document: unknown): Promise<ConformanceProxy> {
  const check = responseChecker(document, { prefixes: API_PREFIXES });
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const violations: Violation[] = [];
  let checked = 0;

  const server: Server = createServer((req, res) => {
    let done = false;
    let answered = false;
    // The request's body as it passes, so that a request that met a kept-alive connection the gateway was
    // closing can be sent again (what Node's documentation advises for reused sockets); an endless or large
    // body is passed on only.
    const body: Buffer[] = [];
    let bodyBytes = 0;
    let bodyEnded = false;
    let replayable = true;
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      if (bodyBytes > MAX_REPLAYED_BYTES) replayable = false;
      else body.push(chunk);
    });
    req.on('end', () => {
      bodyEnded = true;
    });

    const send = (retry: boolean) => {
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers as IncomingHttpHeaders,
          agent,
        },
        (answer) => {
          answered = true;
          res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
          const contentType = answer.headers['content-type'];
          const json = /json/i.test(contentType ?? '') && req.method !== 'HEAD';
          const chunks: Buffer[] = [];
          let size = 0;
          answer.on('data', (chunk: Buffer) => {
            if (json && size <= MAX_CHECKED_BYTES) chunks.push(chunk);
            size += chunk.length;
            res.write(chunk);
          });
          answer.on('end', () => {
            done = true;
            res.end();
            if (req.method === 'OPTIONS') return;
            const path = (req.url ?? '/').split('?')[0]!;
            if (path.startsWith(DOCS_ASSETS)) return;
            const text = json && size <= MAX_CHECKED_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined;
            const status = answer.statusCode ?? 0;
            checked++;
            const problems = check({ method: req.method ?? 'GET', path, status, contentType, body: text });
            if (problems.length) violations.push({ request: `${req.method} ${req.url}`, status, problems });
          });
          answer.on('error', () => res.destroy());
        },
      );
      forward.on('error', (error: NodeJS.ErrnoException) => {
        if (!retry && !answered && forward.reusedSocket && bodyEnded && replayable && !res.destroyed) {
          send(true).end(Buffer.concat(body));
          return;
        }
        // Said on the test's output: the test itself sees only a connection closed without an answer.
        if (!answered && !res.destroyed)
          console.warn(
            `conformance proxy: ${req.method} ${req.url} got no answer from gateway-global: ${error.code ?? error.message} (reused connection: ${forward.reusedSocket}, resent: ${retry})`,
          );
        req.socket.destroy();
      });
      // The test gave up on the answer (a stream it closed): so does the request upstream.
      res.on('close', () => done || forward.destroy());
      return forward;
    };
    req.pipe(send(false));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    checked: () => checked,
    violations,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
