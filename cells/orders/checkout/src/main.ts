// Telemetry starts before any module that it instruments is loaded; everything else comes after.
import { startTelemetry } from '@retail/telemetry';
// drizzle-orm's CommonJS build: a tenth of the start-up time and memory of its ESM build (see there).
import '@retail/data/register';

const telemetry = startTelemetry({ serviceName: 'orders-checkout', cell: 'orders' });
const { start } = await import('./server.ts');
start(telemetry);
