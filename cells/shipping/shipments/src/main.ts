import { shippingCell } from '@retail/shipping-contract';
import { startCellService } from '@retail/service';

// Named once, from the descriptor: the process is `shipping-shipments` in its logs, traces and NATS connection.
startCellService({ cell: shippingCell, component: 'shipments', server: () => import('./server.ts') });
