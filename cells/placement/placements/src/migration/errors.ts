import { DomainError } from '@retail/kernel';

export class MigrationNotFoundError extends DomainError {
  constructor(id: string) {
    super('not-found', `No move ${id}.`);
  }
}

/** A customer moves once at a time. */
export class MigrationInProgressError extends DomainError {
  constructor(customerId: string, migrationId: string | undefined) {
    super(
      'conflict',
      `Customer ${customerId} is being moved already${migrationId ? ` (move ${migrationId})` : ''}; wait for that move to end.`,
      {
        migrationId: migrationId ?? null,
      },
      'migration-in-progress',
    );
  }
}

/** The customer is not in the placement map: there is nobody to move. */
export class CustomerNotPlacedError extends DomainError {
  constructor(customerId: string, cell: string) {
    super(
      'not-found',
      `No customer ${customerId} in the ${cell} cell's placement map: they have never used it, so there is nothing to move.`,
    );
  }
}

/** Moving a customer where they are already served. */
export class AlreadyThereError extends DomainError {
  constructor(customerId: string, partition: string) {
    super('conflict', `Customer ${customerId} is served by ${partition} already.`, { partition }, 'already-in-partition');
  }
}

/** The target partition cannot take the customer now: draining, or its gateway does not answer. */
export class PartitionNotTakingError extends DomainError {
  constructor(partition: string, why: string) {
    super('conflict', `Partition ${partition} cannot take customers now: ${why}.`, { partition }, 'partition-not-taking');
  }
}
