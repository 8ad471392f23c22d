#!/usr/bin/env node
// Renders every kustomization under deploy/kubernetes and examples/ with `kubectl kustomize`
// (client-side, no cluster) and validates each object against the Kubernetes
// OpenAPI schemas (kubernetes-models; cert-manager's CRD schemas for its
// kinds). An object of a kind without a schema here is an error, never skipped.
// A plain ESM script because kubernetes-models is ESM-only and the tests are
// CommonJS (jest); `kubectl apply --dry-run=client` cannot validate without a
// server. Run by .ci/run: `npm run check:manifests`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** Every directory below here holding a kustomization.yaml. */
function kustomizations(directory) {
  const found = existsSync(join(directory, 'kustomization.yaml')) ? [directory] : [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) found.push(...kustomizations(join(directory, entry.name)));
  }
  return found;
}

/** The model module of an apiVersion: core `v1`, `apps/v1`, `cert-manager.io/v1`, … */
async function modelModule(apiVersion) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group.endsWith('cert-manager.io')) return import(`@kubernetes-models/cert-manager/${group}/${version}`);
  return import(group === '' ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`);
}

let failures = 0;
let checked = 0;
// The examples' kind/k3d overlay is an installation too.
for (const directory of [...kustomizations(here), ...kustomizations(join(root, 'examples'))]) {
  const name = relative(root, directory);
  let rendered;
  try {
    rendered = execFileSync('kubectl', ['kustomize', directory], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    console.error(`✗ ${name}: kubectl kustomize failed: ${String(error.stderr ?? error.message).trim()}`);
    failures += 1;
    continue;
  }
  const objects = parseAllDocuments(rendered).map((document) => document.toJS()).filter((object) => object !== null);
  for (const object of objects) {
    const label = `${name}: ${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`;
    try {
      const module = await modelModule(object.apiVersion).catch(() => ({}));
      const Model = module[object.kind];
      if (typeof Model !== 'function') throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
      new Model(object).validate();
      checked += 1;
    } catch (error) {
      console.error(`✗ ${label}: ${error.message}`);
      failures += 1;
    }
  }
  console.log(`${failures === 0 ? '✓' : '·'} ${name}: ${objects.length} objects`);
}
if (failures > 0) {
  console.error(`${failures} problem(s) in the Kubernetes manifests`);
  process.exit(1);
}
console.log(`${checked} objects valid against the Kubernetes and cert-manager schemas`);
