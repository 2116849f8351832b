// npm run generate:compose — rewrite compose/compose.yaml from the cell descriptors (commit the result);
// ORDERS_PARTITIONS=3 npm run generate:compose writes it for three orders partitions.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { composeFilePath, composeYaml } from './compose-file.ts';
import { repoRoot } from './plan.ts';

writeFileSync(composeFilePath, composeYaml(process.env));
console.log(`wrote ${relative(repoRoot, composeFilePath)}`);
