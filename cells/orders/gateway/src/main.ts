import { ordersCell } from '@retail/orders-contract';
import { startCellGatewayService } from '@retail/service';

// The routes, scopes and upstreams all come from the cell descriptor (cells/orders/contract/src/cell.ts).
startCellGatewayService(ordersCell);
