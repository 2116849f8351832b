/** Events the orders cell publishes, on its stream ORDERS (`orders.>`). */
export const OrderSubjects = {
  placed: 'orders.order.placed',
  confirmed: 'orders.order.confirmed',
  rejected: 'orders.order.rejected',
  cancelled: 'orders.order.cancelled',
  shipped: 'orders.order.shipped',
  delivered: 'orders.order.delivered',
} as const;

export const OrdersStream = 'ORDERS';
