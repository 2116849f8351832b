export {
  defineCell,
  type CellDescriptor,
  type ComponentDescriptor,
  type RouteDescriptor,
  type HttpMethod,
  type StreamRetention,
} from './descriptor.ts';
export {
  componentUrlVar,
  gatewayUrlVar,
  localUrl,
  component,
  routePrefixes,
  durableName,
  deadLetterSubject,
  consumedByStream,
  internalJwksUrl,
  streamLimits,
  inboxRetentionMs,
  MAX_EVENT_AGE_DAYS,
  DEFAULT_STREAM_MAX_BYTES,
  DEFAULT_STREAM_LIMITS,
} from './derive.ts';
