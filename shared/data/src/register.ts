// The `@retail/data/register` entry a service's main.ts imports first: drizzle-orm's CommonJS build
// for the whole process (see patches/drizzle-cjs.ts).
import './patches/drizzle-cjs.ts';
