export { InventorySubjects, InventoryStream, stockChangedEventSchema, type StockChangedEvent } from './events.ts';
