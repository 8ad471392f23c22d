/**
 * The policies of a directory: every manifest file parsed by libs/policy.
 * All or nothing — one broken file fails the whole load (with its precise
 * PolicyDocumentError), so the caller keeps the last good set rather than
 * silently running with a policy missing. Two files defining the same policy
 * name behave as `kubectl apply -f <dir>` would: the later file (in name
 * order) replaces the earlier one, and a warning says so.
 */
import { parsePolicyDocuments, type Policy } from '@notary-gate/policy';
import { fingerprintFiles, readManifestFiles } from '../support/manifest-files';
import type { Loaded } from '../support/reloadable';

export async function loadPolicyDirectory(directory: string, onWarning: (message: string) => void = () => undefined): Promise<Loaded<Policy[]>> {
  const files = await readManifestFiles(directory);
  const byKey = new Map<string, Policy>();
  for (const file of files) {
    for (const policy of parsePolicyDocuments(file.text, file.path).policies) {
      const key = `${policy.kind}/${policy.namespace ?? ''}/${policy.name}`;
      const earlier = byKey.get(key);
      if (earlier) {
        onWarning(`${file.path}: ${policy.kind} "${policy.name}" replaces the one defined in ${earlier.source} (as kubectl apply would)`);
        byKey.delete(key); // re-inserted below, in the position of the file that wins
      }
      byKey.set(key, policy);
    }
  }
  return { value: [...byKey.values()], fingerprint: fingerprintFiles(files) };
}
