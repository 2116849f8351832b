// A partitioned cell started exactly as the real partitions are (CELL_PARTITION names which): see cell-service.test.ts.
import { defineCell } from '@retail/descriptor';
import { startCellService } from '../src/index.ts';

const shopCell = defineCell({
  name: 'shop',
  summary: 'a partitioned cell of the test',
  stream: 'SHOP',
  gateway: { port: 1 },
  partitions: { key: 'customer', count: 2 },
  components: [{ name: 'till', kind: 'core', port: 2, summary: 'the component under test' }],
  routes: [],
});

startCellService({ cell: shopCell, component: 'till', server: () => import('./shop-server.ts') });
