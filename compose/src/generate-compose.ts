// npm run generate:compose — rewrite compose/compose.yaml from the cell descriptors (commit the result).
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { composeFilePath, composeYaml } from './compose-file.ts';
import { repoRoot } from './plan.ts';

writeFileSync(composeFilePath, composeYaml());
console.log(`wrote ${relative(repoRoot, composeFilePath)}`);
