// npm run generate:nats: write compose/nats/nats.conf from the cell descriptors (a test fails when it drifts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { systemCells } from '@retail/topology';
import { composeNatsClusterConfig, composeNatsOptions, natsClusterConfPath, natsConfPath, natsServerConfig } from './nats-auth.ts';
import { repoRoot } from './plan.ts';

mkdirSync(dirname(natsConfPath), { recursive: true });
writeFileSync(natsConfPath, natsServerConfig({ cells: systemCells(process.env), ...composeNatsOptions }));
writeFileSync(natsClusterConfPath, composeNatsClusterConfig(systemCells(process.env)));
console.log(`wrote ${relative(repoRoot, natsConfPath)} and ${relative(repoRoot, natsClusterConfPath)}`);
