import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { planSystem, repoRoot } from './plan.ts';

/**
 * One self-contained ES module per process: `<package>/dist/main.mjs`, bundled from `src/main.ts` with
 * everything it imports except what must stay a real package (native code, worker-thread transports).
 * A process then loads one file instead of resolving and type-stripping a thousand: on this 2-core
 * machine a service starts in ~0.6 s instead of ~2.3 s and holds ~100 MB instead of ~210 MB.
 * `npm test` and `npm run dev` run the sources; `npm start`, the benchmark and the image run bundles.
 */
export const BUNDLE = 'dist/main.mjs';
const META = 'dist/meta.json';

/** Loaded from node_modules at run time: native addons, and pino, whose transports run in worker threads. */
const EXTERNAL = ['better-sqlite3', 'pino', 'pino-pretty'];

export interface BuildResult {
  built: string[];
  upToDate: string[];
}

/** Bundle every package folder given whose bundle is missing or older than one of its inputs. */
export async function buildBundles(dirs: readonly string[], options: { force?: boolean } = {}): Promise<BuildResult> {
  const stale = options.force ? [...dirs] : dirs.filter(isStale);
  await Promise.all(stale.map(bundle));
  return { built: stale, upToDate: dirs.filter((d) => !stale.includes(d)) };
}

async function bundle(dir: string): Promise<void> {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [join(dir, 'src/main.ts')],
    outfile: join(dir, BUNDLE),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    external: EXTERNAL,
    metafile: true,
    sourcemap: 'linked',
    // Whitespace and comments out, names kept (stack traces stay readable). V8 holds a bundle's whole
    // source in memory, and one non-ASCII character in a comment makes it a two-byte string: the
    // unminified bundle cost each process ~5 MB of heap for its source text alone, this ~2 MB.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    // CommonJS dependencies inside an ES module still call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __retailCreateRequire } from 'node:module'; const require = __retailCreateRequire(import.meta.url);",
    },
    plugins: [sourceRelativeImportMeta(join(dir, BUNDLE))],
  });
  asciiOnly(join(dir, BUNDLE));
  writeFileSync(join(dir, META), JSON.stringify(inputsOf(result.metafile)));
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the class is every ASCII character, on purpose
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * esbuild escapes non-ASCII text except inside regular expression literals (a dependency's /µs/). One
 * such character makes Node hold the whole bundle as a two-byte string, twice the memory of one-byte
 * text: escape it, which means the same in a regular expression, a string or an identifier.
 */
function asciiOnly(file: string): void {
  const source = readFileSync(file, 'utf8');
  if (!NON_ASCII.test(source)) return;
  writeFileSync(
    file,
    source.replace(new RegExp(NON_ASCII, 'g'), (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}

/**
 * `import.meta.url` in our own sources keeps meaning the source file (migrations folders, the
 * storefront's public/ files are found relative to it), expressed relative to the bundle so that the
 * built tree can move as a whole (into an image, for instance).
 */
function sourceRelativeImportMeta(outfile: string): Plugin {
  return {
    name: 'source-relative-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
        const fromBundle = relative(dirname(outfile), args.path).split('\\').join('/');
        return {
          contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
          loader: 'ts',
        };
      });
    },
  };
}

function inputsOf(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter((p) => !p.startsWith('<'));
}

function isStale(dir: string): boolean {
  try {
    const builtAt = statSync(join(dir, BUNDLE)).mtimeMs;
    const inputs = JSON.parse(readFileSync(join(dir, META), 'utf8')) as string[];
    return inputs.some((input) => statSync(join(repoRoot, input)).mtimeMs > builtAt);
  } catch {
    return true;
  }
}

/** The package folder of every process of the system. */
export const deployableDirs = (): string[] => [
  // Once each: every partition of a partitioned cell runs the same package (cells/orders/checkout).
  ...new Set(planSystem({ dataDir: '.data', natsUrl: 'nats://127.0.0.1:4222' }).map((p) => p.dir)),
];
