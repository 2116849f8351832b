import { ordersCell } from '@retail/orders-contract';
import { startCellService } from '@retail/service';

// Named once, from the descriptor: the process is `orders-2-checkout` (its partition's) in its logs, traces and NATS connection.
startCellService({ cell: ordersCell, component: 'checkout', server: () => import('./server.ts') });
