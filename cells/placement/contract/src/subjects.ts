/** Events the placement cell publishes, on its stream PLACEMENT (`placement.>`). */
export const PlacementSubjects = {
  /** A customer was given a partition: by the rule at first use, or by an operator (override). */
  customerAssigned: 'placement.customer.assigned',
  /** A partition appeared in the map or changed state (active, draining, down). */
  partitionChanged: 'placement.partition.changed',
} as const;

export const PlacementStream = 'PLACEMENT';
