import { registerHooks } from 'node:module';

/**
 * Load drizzle-orm's CommonJS build instead of its ES-module build. Linking the ESM build's deep
 * `export *` graph costs Node 24 about a second and ~180 MB per process; the CJS build of the same
 * code loads in ~0.1 s and ~20 MB. Imported by a service's main.ts before anything that uses drizzle,
 * so every drizzle import in the process resolves to the same (CJS) copy.
 */
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'drizzle-orm' || specifier.startsWith('drizzle-orm/')) {
      return nextResolve(specifier, { ...context, conditions: ['require', 'node', 'default'] });
    }
    return nextResolve(specifier, context);
  },
});
