import { ordersCell } from '@retail/orders-contract';
import { startCellService } from '@retail/service';

// Named once, from the descriptor: the process is `orders-orders` in its logs, traces and NATS connection.
startCellService({ cell: ordersCell, component: 'orders', server: () => import('./server.ts') });
