import { DomainError, ServiceUnavailableError, ValidationError } from '@retail/kernel';

export class PartitionNotFoundError extends DomainError {
  constructor(partition: string, running: readonly string[]) {
    super('not-found', `No partition ${partition} in the running system (it has ${running.join(', ') || 'none'}).`, { partition });
  }
}

export class PartitionDownError extends DomainError {
  constructor(partition: string) {
    super(
      'conflict',
      `Partition ${partition} is down: no customer can be placed on it.`,
      { partition, state: 'down' },
      'partition-not-taking',
    );
  }
}

/** An override cannot move a customer: their orders stay where they are; a move takes them along. */
export class CustomerServedElsewhereError extends DomainError {
  constructor(customerId: string, partition: string) {
    super(
      'conflict',
      `Customer ${customerId} is served by ${partition}, which holds their orders; move them with POST /cells/migrations, which takes the orders along.`,
      { partition },
      'customer-placed-elsewhere',
    );
  }
}

/** Not a refusal of the request: the system cannot place anyone until an operator makes a partition active. */
export class NoActivePartitionError extends ServiceUnavailableError {
  constructor(cell: string) {
    super(`No partition of the ${cell} cell is active, so a new customer cannot be placed; try again once one is.`);
  }
}

export class UnknownCellError extends ValidationError {
  constructor(cell: string | undefined, running: readonly string[]) {
    super([
      {
        path: 'cell',
        message: running.length
          ? `${cell} is not a partitioned cell of the system (${running.join(', ')})`
          : 'the system runs no partitioned cell',
      },
    ]);
  }
}
