/**
 * The policies of a directory: every manifest file parsed by libs/policy.
 * All or nothing — one broken file fails the whole load (with its precise
 * PolicyDocumentError), so the caller keeps the last good set rather than
 * silently running with a policy missing.
 */
import { PolicyDocumentError, parsePolicyDocuments, type Policy } from '@notary-gate/policy';
import { fingerprintFiles, readManifestFiles } from '../support/manifest-files';
import type { Loaded } from '../support/reloadable';

export async function loadPolicyDirectory(directory: string): Promise<Loaded<Policy[]>> {
  const files = await readManifestFiles(directory);
  const policies: Policy[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    for (const policy of parsePolicyDocuments(file.text, file.path).policies) {
      const key = `${policy.kind}/${policy.namespace ?? ''}/${policy.name}`;
      const earlier = seen.get(key);
      if (earlier) throw new PolicyDocumentError(file.path, 'metadata.name', `${policy.kind} "${policy.name}" is already defined in ${earlier}`);
      seen.set(key, file.path);
      policies.push(policy);
    }
  }
  return { value: policies, fingerprint: fingerprintFiles(files) };
}
