import { shippingCell } from '@retail/shipping-contract';
import { startCellGatewayService } from '@retail/service';

// The routes, scopes and upstreams all come from the cell descriptor (cells/shipping/contract/src/cell.ts).
startCellGatewayService(shippingCell);
