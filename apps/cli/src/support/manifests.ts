/**
 * Kubernetes manifests and policy files named on the command line: YAML
 * (multi-document) read from files or directories, every problem reported as
 * a usage error naming the file and the document.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyDocumentError, readYamlDocuments } from '@notary-gate/policy';
import { UsageError } from './errors';
import { readInputFile } from './files';

const YAML_FILE = /\.ya?ml$/i;

/** Files of a path: the file itself, or the YAML files of a directory (sorted, not recursive). */
export function yamlFiles(path: string, what: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UsageError(`cannot read ${what} "${path}": no such file or directory`);
  }
  if (!stat.isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((name) => YAML_FILE.test(name))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0) throw new UsageError(`no YAML files in ${what} directory "${path}"`);
  return files;
}

/** The non-empty documents of a YAML file, as plain objects. */
export function readManifests(path: string, what: string): Record<string, unknown>[] {
  const text = readInputFile(path, what).toString('utf8');
  try {
    return readYamlDocuments(text, path).map((document) => document.value);
  } catch (error) {
    if (error instanceof PolicyDocumentError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}
