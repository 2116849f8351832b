export { cells, globalGateway, partitionGateways, systemCells, type PartitionGatewaySetting } from './system.ts';
