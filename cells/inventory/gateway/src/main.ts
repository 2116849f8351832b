import { inventoryCell } from '@retail/inventory-contract';
import { startCellGatewayService } from '@retail/service';

// The routes, scopes and upstreams all come from the cell descriptor (cells/inventory/contract/src/cell.ts).
startCellGatewayService(inventoryCell);
