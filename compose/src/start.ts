// npm start: the whole system on this machine, no Docker.
import { runSystem } from './run.ts';

await runSystem();
