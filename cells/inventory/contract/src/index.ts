export { inventoryCell, InventoryScopes } from './cell.ts';
export {
  InventorySubjects,
  InventoryStream,
  stockChangedEventSchema,
  reservationConfirmedEventSchema,
  reservationRejectedEventSchema,
  reservationReleasedEventSchema,
  type StockChangedEvent,
  type ReservationConfirmedEvent,
  type ReservationRejectedEvent,
  type ReservationReleasedEvent,
} from './events.ts';
export {
  stockLevelSchema,
  adjustmentSchema,
  adjustmentKeySchema,
  listStockQuerySchema,
  stockPageSchema,
  type StockLevel,
  type Adjustment,
  type ListStockQuery,
  type StockPage,
} from './schemas.ts';
export {
  orderIdSchema,
  commandKeySchema,
  reserveStockSchema,
  reservationStatusSchema,
  reservationAnswerSchema,
  type ReserveStock,
  type ReservationStatus,
  type ReservationAnswer,
} from './commands.ts';
