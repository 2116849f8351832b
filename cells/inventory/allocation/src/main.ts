import { inventoryCell } from '@retail/inventory-contract';
import { startCellService } from '@retail/service';

// Named once, from the descriptor: the process is `inventory-allocation` in its logs, traces and NATS connection.
startCellService({ cell: inventoryCell, component: 'allocation', server: () => import('./server.ts') });
