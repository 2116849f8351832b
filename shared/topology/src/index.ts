export { defineCell, type CellDescriptor, type ComponentDescriptor, type RouteDescriptor, type HttpMethod } from './descriptor.ts';
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
} from './derive.ts';
