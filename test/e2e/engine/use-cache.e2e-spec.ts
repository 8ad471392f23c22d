/**
 * `useCache: false` against the real workers, cache and registry: a cached
 * pass is reused for an entry that allows it, and never for one that says
 * `useCache: false` — shown by verifying at a time the signing certificate has
 * expired, while the verdict cached earlier still says "pass".
 */
import { MemoryCacheStore } from '@notary-gate/cache';
import { evaluateAdmission } from '@notary-gate/engine';
import { RegistryClient } from '@notary-gate/oci';
import { parsePolicyDocuments, type Policy } from '@notary-gate/policy';
import { createWorkers, type Workers } from '@notary-gate/workers';
import { buildSeedImages, type SeedImages } from '../../fixtures/seed-images';
import { configMapsFromYaml, podRequest } from '../../support/admission';
import { startRegistry, type TestRegistry } from '../../support/registry';

let registry: TestRegistry;
let client: RegistryClient;
let seed: SeedImages;
let workers: Workers;
let clock = Date.now();

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient({ insecureRegistries: [registry.host] });
  seed = await buildSeedImages(registry.host, client);
  workers = createWorkers({ registry: client, cache: new MemoryCacheStore(), revocation: 'offline', now: () => new Date(clock) });
}, 120_000);

afterAll(async () => {
  await workers?.close();
  await registry?.stop();
});

const policy = (useCache: boolean): Policy[] =>
  parsePolicyDocuments(seed.policies['check-image-notary.yaml']!.replace('          failureAction: Enforce\n', `          failureAction: Enforce\n          useCache: ${useCache}\n`), 'p.yaml').policies;

const admit = (policies: Policy[]) =>
  evaluateAdmission(podRequest(`${registry.host}/kyverno/test-verify-image:signed`), policies, {
    jobs: workers.port(),
    configMaps: configMapsFromYaml(seed.configMapYaml),
    now: () => clock,
  });

it('a cached pass is reused by default and never under useCache: false', async () => {
  expect(policy(false)[0]!.rules[0]!.verifyImages[0]!.useCache).toBe(false);
  clock = Date.now();
  expect((await admit(policy(true))).allowed).toBe(true);
  // Twenty years on, the signing certificate (ten years) has expired: only a fresh verification sees it.
  clock = Date.now() + 20 * 365 * 24 * 3600 * 1000;
  expect((await admit(policy(true))).allowed).toBe(true);
  const fresh = await admit(policy(false));
  expect(fresh.allowed).toBe(false);
  expect(fresh.message).toMatch(/expired/);
});
