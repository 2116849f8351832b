/** Events the shipping cell publishes, on its stream SHIPPING (`shipping.>`). */
export const ShippingSubjects = {
  created: 'shipping.shipment.created',
  dispatched: 'shipping.shipment.dispatched',
  delivered: 'shipping.shipment.delivered',
  cancelled: 'shipping.shipment.cancelled',
} as const;

export const ShippingStream = 'SHIPPING';
