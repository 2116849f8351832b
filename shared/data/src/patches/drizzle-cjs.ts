import { registerHooks } from 'node:module';

/**
 * Patch over how Node resolves drizzle-orm (written for drizzle-orm 0.45, whose package.json `exports`
 * carry an `import` build (.js) and a `require` build (.cjs) of the same code).
 *
 * Load drizzle-orm's CommonJS build instead of its ES-module build. Linking the ESM build's deep
 * `export *` graph costs Node 24 about a second and ~180 MB per process; the CJS build of the same
 * code loads in ~0.1 s and ~20 MB. Imported (through `@retail/data/register`) by a service's main.ts
 * before anything that uses drizzle, so every drizzle import in the process resolves to the same (CJS)
 * copy. drizzle-cjs.test.ts checks that `drizzle-orm` then resolves to the .cjs files.
 */
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'drizzle-orm' || specifier.startsWith('drizzle-orm/')) {
      return nextResolve(specifier, { ...context, conditions: ['require', 'node', 'default'] });
    }
    return nextResolve(specifier, context);
  },
});
