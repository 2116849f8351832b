import { configBucket } from '@retail/config';
import type { BucketSpec } from '@retail/events';
import { registryBucket } from '@retail/registry';

/** The platform's key-value buckets, provisioned with the streams wherever the system runs: the registry and the configuration. */
export const platformBuckets: readonly BucketSpec[] = [registryBucket, configBucket];
