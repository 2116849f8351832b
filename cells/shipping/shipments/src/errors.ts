import { DomainError } from '@retail/kernel';
import type { ShipmentStatus } from '@retail/shipping-contract';

/** No such shipment, or not one the viewer may see. */
export class ShipmentNotFoundError extends DomainError {
  constructor(id: string) {
    super('not-found', `No shipment ${id}.`);
  }
}

/** SHIPMENT_TRANSITIONS does not allow the move. */
export class IllegalShipmentTransitionError extends DomainError {
  constructor(shipment: { id: string; status: ShipmentStatus }, to: ShipmentStatus) {
    super(
      'conflict',
      `Shipment ${shipment.id} is ${shipment.status}; it cannot become ${to}.`,
      { shipmentStatus: shipment.status },
      'shipment-state-conflict',
    );
  }
}

/** A command's Idempotency-Key (the id of the event behind it) was already used for another command. */
export class CommandKeyReusedError extends DomainError {
  constructor(key: string, usedFor: string) {
    super('conflict', `Idempotency-Key ${key} was already used for ${usedFor}.`);
  }
}
