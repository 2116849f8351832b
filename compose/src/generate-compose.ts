// npm run generate:compose — rewrite compose/compose.yaml from the cell descriptors (commit the result);
// ORDERS_PARTITIONS=3 npm run generate:compose writes it for three orders partitions. It writes
// compose/compose.nats-cluster.yaml too: the override that runs NATS as a 3-node cluster.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { composeClusterFilePath, composeClusterYaml } from './compose-cluster.ts';
import { composeFilePath, composeYaml } from './compose-file.ts';
import { repoRoot } from './plan.ts';

writeFileSync(composeFilePath, composeYaml(process.env));
writeFileSync(composeClusterFilePath, composeClusterYaml(process.env));
console.log(`wrote ${relative(repoRoot, composeFilePath)} and ${relative(repoRoot, composeClusterFilePath)}`);
