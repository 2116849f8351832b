export { settings, settingNamed, settingSchema, parseSettingValue, appliesTo, type SettingSpec, type ParsedValue } from './settings.ts';
export {
  parseScope,
  configKey,
  parseConfigKey,
  scopeChain,
  processPath,
  processesWithin,
  SYSTEM_SCOPE,
  type Scope,
  type ConfigTarget,
} from './scope.ts';
export {
  CONFIG_BUCKET,
  configBucket,
  OPERATOR_SOURCE,
  checkSetting,
  decodeSetting,
  encodeSetting,
  type StoredSetting,
} from './entry.ts';
export { effectiveConfig, settingsFor, bucketValue, describeSource, type EffectiveSetting, type BucketValue } from './resolve.ts';
export { loadConfigFile, fileSource, type ConfigFile, type FileSetting } from './file.ts';
export { seedConfig, type SeedSummary } from './seed.ts';
export { watchConfig, type WatchConfigOptions, type LiveConfig } from './live.ts';
export { followConfig, type LiveSettings } from './follow.ts';
