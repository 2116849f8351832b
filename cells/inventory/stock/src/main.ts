import { inventoryCell } from '@retail/inventory-contract';
import { startCellService } from '@retail/service';

// Named once, from the descriptor: the process is `inventory-stock` in its logs, traces and NATS connection.
startCellService({ cell: inventoryCell, component: 'stock', server: () => import('./server.ts') });
