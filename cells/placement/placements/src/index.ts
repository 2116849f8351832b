export { createApp, type PlacementsDeps } from './app.ts';
export { createPlacements, type Placements } from './placements.ts';
export { partitionedCells, type PartitionedCell } from './system.ts';
export { openOwnDatabase } from './db/open.ts';
