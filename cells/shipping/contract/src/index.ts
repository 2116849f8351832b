export { shippingCell, ShippingScopes } from './cell.ts';
export { ShippingSubjects, ShippingStream } from './subjects.ts';
export {
  SHIPMENT_STATUSES,
  SHIPMENT_TRANSITIONS,
  shipmentStatusSchema,
  shipmentSchema,
  listShipmentsQuerySchema,
  shipmentPageSchema,
  shipmentCreatedEventSchema,
  shipmentDispatchedEventSchema,
  shipmentDeliveredEventSchema,
  shipmentCancelledEventSchema,
  type ShipmentStatus,
  type Shipment,
  type ListShipmentsQuery,
  type ShipmentPage,
  type ShipmentCreatedEvent,
  type ShipmentDispatchedEvent,
  type ShipmentDeliveredEvent,
  type ShipmentCancelledEvent,
} from './schemas.ts';
