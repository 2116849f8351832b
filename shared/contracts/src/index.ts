export { cellOpenApi, publicOpenApi, openApiDocument, operationId, openApiPath, formatDocument, type DocumentedRoute } from './openapi.ts';
export {
  asyncApiDocument,
  asyncApiJson,
  sendOperationId,
  receiveOperationId,
  deadLetterChannelId,
  type AsyncApiOptions,
} from './asyncapi.ts';
