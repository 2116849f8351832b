import { productsCell } from '@retail/products-contract';
import { startCellService } from '@retail/service';

// Named once, from the descriptor: the process is `products-catalog` in its logs, traces and NATS connection.
startCellService({ cell: productsCell, component: 'catalog', server: () => import('./server.ts') });
