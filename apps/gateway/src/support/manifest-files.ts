/** The manifest files of a directory (`*.yaml`, `*.yml`, `*.json`), in name order, skipping hidden entries (Kubernetes volume internals). */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface ManifestFile {
  path: string;
  text: string;
}

const MANIFEST = /\.(ya?ml|json)$/i;

export async function readManifestFiles(directory: string): Promise<ManifestFile[]> {
  const names = (await readdir(directory)).filter((name) => !name.startsWith('.') && MANIFEST.test(name)).sort();
  const files: ManifestFile[] = [];
  for (const name of names) {
    const path = join(directory, name);
    // stat follows symlinks: a mounted ConfigMap's files are links into `..data/`.
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    files.push({ path, text: await readFile(path, 'utf8') });
  }
  return files;
}

/** Identifies a set of files by names and contents, so an unchanged directory is not reloaded. */
export function fingerprintFiles(files: ManifestFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.path).update('\0').update(file.text).update('\0');
  return hash.digest('hex');
}
