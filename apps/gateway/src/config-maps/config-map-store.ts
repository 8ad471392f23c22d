/**
 * Where `configMap` context entries come from: the cluster (in-cluster API),
 * or a directory of ConfigMap manifests (hot-reloaded, last good set kept),
 * or nowhere (every lookup finds nothing, as for a missing ConfigMap).
 */
import { staticConfigMaps, type ConfigMapData, type ConfigMapSource } from '@notary-gate/engine';
import { readYamlDocuments } from '@notary-gate/policy';
import type { JsonLogger } from '@notary-gate/service';
import { FileWatcher } from '../support/file-watcher';
import { fingerprintFiles, readManifestFiles } from '../support/manifest-files';
import { Reloadable, type ReloadableState } from '../support/reloadable';

interface DirectoryConfigMaps {
  source: ConfigMapSource;
  count: number;
}

/** ConfigMaps of a directory's manifests; a YAML error names the file and fails the load. */
export async function loadConfigMapDirectory(directory: string): Promise<{ value: DirectoryConfigMaps; fingerprint: string }> {
  const files = await readManifestFiles(directory);
  const objects: unknown[] = [];
  for (const file of files) {
    for (const document of readYamlDocuments(file.text, file.path)) objects.push(document.value);
  }
  const count = objects.filter((object) => (object as { kind?: unknown } | null)?.kind === 'ConfigMap').length;
  return { value: { source: staticConfigMaps(objects), count }, fingerprint: fingerprintFiles(files) };
}

export class DirectoryConfigMapStore implements ConfigMapSource {
  private readonly reloadable: Reloadable<DirectoryConfigMaps>;
  private watcher: FileWatcher | undefined;

  constructor(
    private readonly directory: string,
    private readonly options: { debounceMs: number; rescanIntervalMs: number; logger: JsonLogger },
  ) {
    this.reloadable = new Reloadable(`ConfigMaps from ${directory}`, () => loadConfigMapDirectory(directory), options.logger, (value) => ({ count: value.count }));
  }

  async start(): Promise<void> {
    await this.reloadable.reload();
    this.watcher = new FileWatcher({
      directories: [this.directory],
      debounceMs: this.options.debounceMs,
      rescanIntervalMs: this.options.rescanIntervalMs,
      onChange: () => this.reloadable.reload().then(() => undefined),
      onError: (error) => this.options.logger.error('ConfigMap directory watch failed', { error: error.message }),
    });
  }

  get(namespace: string, name: string): Promise<ConfigMapData | null> {
    const current = this.reloadable.value;
    // Not loaded yet (the directory's first load failed): the source cannot be read.
    if (!current) return Promise.reject(new Error(`the ConfigMaps of ${this.directory} could not be loaded`));
    return current.source.get(namespace, name);
  }

  state(): ReloadableState {
    return this.reloadable.state();
  }

  stop(): void {
    this.watcher?.close();
  }
}

/** No ConfigMap source configured: every ConfigMap is "not found". */
export const NO_CONFIG_MAPS: ConfigMapSource = { get: async () => null };
