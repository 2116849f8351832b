export { cells, globalGateway } from './system.ts';
