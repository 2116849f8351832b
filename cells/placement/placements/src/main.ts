import { placementCell } from '@retail/placement-contract';
import { startCellService } from '@retail/service';

// Named once, from the descriptor: the process is `placement-placements` in its logs, traces and NATS connection.
startCellService({ cell: placementCell, component: 'placements', server: () => import('./server.ts') });
