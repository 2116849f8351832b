import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { Context } from 'hono';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The pages may load scripts, styles and data only from this origin; images may come from anywhere over https. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
  cacheControl: string;
}

/**
 * Cache policy: the files are not fingerprinted, so HTML, scripts and styles are revalidated on every
 * use (`no-cache` + ETag → a cheap 304), and a new release shows at once. Images and fonts change
 * rarely and may be kept for an hour.
 */
function cacheControlFor(ext: string): string {
  return ['.html', '.js', '.mjs', '.css', '.json', '.webmanifest'].includes(ext) ? 'no-cache' : 'public, max-age=3600';
}

/** Reads files below `root` by URL path; anything outside it, hidden or unreadable is simply absent. */
export function staticFiles(root: string): (urlPath: string) => Promise<StaticFile | undefined> {
  const base = resolve(root);
  return async (urlPath) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0') || decoded.split('/').some((part) => part.startsWith('.'))) return undefined;
    const path = resolve(base, `.${decoded}`);
    if (!path.startsWith(base + sep)) return undefined;
    try {
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      const ext = extname(path).toLowerCase();
      return {
        body: await readFile(path),
        contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
        etag: `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
        cacheControl: cacheControlFor(ext),
      };
    } catch {
      return undefined;
    }
  };
}

/** Answer with a file: 304 when the caller's copy is current. */
export function sendFile(c: Context, file: StaticFile): Response {
  const headers: Record<string, string> = {
    ETag: file.etag,
    'Cache-Control': file.cacheControl,
    'X-Content-Type-Options': 'nosniff',
  };
  if (file.contentType.startsWith('text/html')) {
    headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    headers['Referrer-Policy'] = 'same-origin';
  }
  const cached = c.req.header('if-none-match');
  if (cached && cached.split(',').some((tag) => tag.trim() === file.etag)) return c.body(null, 304, headers);
  return c.body(new Uint8Array(file.body), 200, { ...headers, 'Content-Type': file.contentType });
}
