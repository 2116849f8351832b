export {
  HEARTBEAT_MS,
  newInstanceId,
  REGISTRY_BUCKET,
  REGISTRY_TTL_MS,
  registryBucket,
  registryKey,
  thisHost,
  type InstanceEntry,
} from './entry.ts';
export { registerInstance, type Registration } from './register.ts';
export { openDirectory, type Directory } from './directory.ts';
export { openPlatform, type Platform, type PlatformEnv } from './platform.ts';
