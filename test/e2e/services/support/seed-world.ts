/**
 * The seed's world for the services suites: a real registry holding the
 * seed's images (built by our signer), the seed policies rewritten for it in
 * a policy directory, and the ConfigMaps their `context` entries read in a
 * ConfigMap directory — what `--policies` and `--configmaps` point at.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '@notary-gate/oci';
import { buildSeedImages, type SeedImages } from '../../../fixtures/seed-images';
import { startRegistry, type TestRegistry } from '../../../support/registry';
import { closeReviewClient } from './review-client';

export interface SeedWorld {
  registry: TestRegistry;
  seed: SeedImages;
  /** The three seed policies, one file each. */
  policyDir: string;
  /** `keys` ConfigMaps (cert A) in the namespaces the policies read. */
  configMapDir: string;
  /** `<registry>/kyverno/test-verify-image:<tag>` */
  image(tag: string): string;
  /** A policy directory holding only the given YAML documents (file name → text). */
  policyDirWith(files: Record<string, string>): string;
  stop(): Promise<void>;
}

export async function startSeedWorld(): Promise<SeedWorld> {
  const registry = await startRegistry();
  const client = new RegistryClient({ insecureRegistries: [registry.host] });
  const directories: string[] = [];
  const directory = (label: string, files: Record<string, string>): string => {
    const path = mkdtempSync(join(tmpdir(), `ng-services-${label}-`));
    directories.push(path);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text);
    return path;
  };
  try {
    const seed = await buildSeedImages(registry.host, client);
    return {
      registry,
      seed,
      policyDir: directory('policies', seed.policies),
      configMapDir: directory('configmaps', { 'keys.yaml': seed.configMapYaml }),
      image: (tag) => `${registry.host}/kyverno/test-verify-image:${tag}`,
      policyDirWith: (files) => directory('policies', files),
      stop: async () => {
        for (const path of directories) rmSync(path, { recursive: true, force: true });
        await registry.stop();
      },
    };
  } catch (error) {
    await registry.stop();
    throw error;
  } finally {
    await client.close();
  }
}

/**
 * The suite hooks every services suite shares: the world is built before the
 * suite and, with the review client, stopped after it. `use` receives it.
 */
export function useSeedWorld(use: (world: SeedWorld) => void): void {
  let world: SeedWorld | undefined;
  beforeAll(async () => {
    world = await startSeedWorld();
    use(world);
  }, 60_000);
  afterAll(async () => {
    await closeReviewClient();
    await world?.stop();
  });
}
