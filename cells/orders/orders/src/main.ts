// Telemetry starts before any module that it instruments is loaded; everything else comes after.
import { startTelemetry } from '@retail/telemetry';

const telemetry = startTelemetry({ serviceName: 'orders-orders', cell: 'orders' });
const { start } = await import('./server.ts');
start(telemetry);
