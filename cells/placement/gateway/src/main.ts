import { placementCell } from '@retail/placement-contract';
import { startCellGatewayService } from '@retail/service';

// The routes, scopes and upstreams all come from the cell descriptor (cells/placement/contract/src/cell.ts).
startCellGatewayService(placementCell);
