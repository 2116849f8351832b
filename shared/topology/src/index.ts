export { cells, globalGateway, systemCells } from './system.ts';
