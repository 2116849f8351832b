// A service whose app does not check internal tokens: startCellService must refuse it (cell-service.test.ts).
import { defineCell } from '@retail/descriptor';
import { startCellService } from '../src/index.ts';

const shopCell = defineCell({
  name: 'shop',
  summary: 'a cell of the test',
  stream: 'SHOP',
  gateway: { port: 1 },
  components: [{ name: 'till', kind: 'core', port: 2, summary: 'the component under test' }],
  routes: [],
});

startCellService({ cell: shopCell, component: 'till', server: () => import('./unguarded-shop-server.ts') });
