import { customerPlacementSchema, type PartitionState } from '@retail/placement-contract';

/*
 * What the cell router reads from the placement cell (its gateway, routes declared for cells): the map
 * (`placementMapSchema` of the contract) and the answer to recording an assignment, of which the router
 * uses only the partition.
 */
export { placementMapSchema, type PartitionState } from '@retail/placement-contract';

/** `POST /placement/assignments` → the partition the control plane recorded for the customer. */
export const assignmentSchema = customerPlacementSchema.pick({ customerId: true, cell: true, partition: true });

/** One partition of a partitioned cell and its state. */
export interface PartitionView {
  name: string;
  state: PartitionState;
}
