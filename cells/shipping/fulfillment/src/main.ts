import { shippingCell } from '@retail/shipping-contract';
import { startCellService } from '@retail/service';

// Named once, from the descriptor: the process is `shipping-fulfillment` in its logs, traces and NATS connection.
startCellService({ cell: shippingCell, component: 'fulfillment', server: () => import('./server.ts') });
