export { createApp, type ShipmentsDeps } from './app.ts';
export { createShipments, type Shipments, type ShipmentsOptions, type Clock } from './shipments.ts';
export { startAutoShipping, type AutoShipping } from './scheduler.ts';
export { carrierFor, CARRIERS } from './carriers.ts';
export { openOwnDatabase } from './db/open.ts';
