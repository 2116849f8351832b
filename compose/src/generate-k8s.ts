// npm run generate:k8s — rewrite deploy/k8s (the kustomize base, its overlays and the NATS chart's values)
// from the cell descriptors; commit the result. Files it no longer makes are removed.
//
// node compose/src/generate-k8s.ts secrets — print the Secrets those manifests name, with fresh values
// (or those set in the environment), for `| kubectl create -f -`: never into a file of the repository.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { k8sDir, k8sFiles, yamlFile } from './k8s/files.ts';
import { secretManifests } from './k8s/secrets.ts';
import { k8sSystem } from './k8s/workloads.ts';
import { repoRoot } from './plan.ts';

if (process.argv[2] === 'secrets') {
  process.stdout.write(yamlFile('Secrets of Cellular Retail: values, keep out of the repository', secretManifests(k8sSystem())));
} else {
  const files = k8sFiles();
  // Only generated folders are cleared: README.md beside them is written by hand.
  for (const folder of ['base', 'overlays', 'nats']) rmSync(join(k8sDir, folder), { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(k8sDir, path)), { recursive: true });
    writeFileSync(join(k8sDir, path), text);
  }
  console.log(`wrote ${Object.keys(files).length} files under ${relative(repoRoot, k8sDir)}`);
}
