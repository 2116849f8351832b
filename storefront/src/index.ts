import { fileURLToPath } from 'node:url';

/** The folder of the storefront's static files, which gateway-global serves at `/`. */
export const storefrontRoot = fileURLToPath(new URL('../public', import.meta.url));
