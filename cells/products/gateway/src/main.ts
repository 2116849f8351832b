import { productsCell } from '@retail/products-contract';
import { startCellGatewayService } from '@retail/service';

// The routes, scopes and upstreams all come from the cell descriptor (cells/products/contract/src/cell.ts).
startCellGatewayService(productsCell);
