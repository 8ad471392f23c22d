/**
 * The policies (and PolicyExceptions) of a directory: every manifest file
 * parsed by libs/policy. All or nothing — one refused document fails the
 * whole load, so the caller keeps the last good set rather than silently
 * running with a policy missing; the failure lists each refused document with
 * its identity (for the Event, the metric and /readyz). Two files defining
 * the same policy (kind/namespace/name) behave as `kubectl apply -f <dir>`
 * would: the later file (in name order) replaces the earlier one, with a
 * warning.
 */
import { readYamlDocuments, type Policy, type PolicyException } from '@notary-gate/policy';
import { fingerprintFiles, readManifestFiles } from '../support/manifest-files';
import type { Loaded } from '../support/reloadable';
import { identityOf, parseDocuments, identityKey, policyLabel, type PolicySet, type RefusedPolicy } from './policy-set';

/** The directory could not be used: every refused document, with its identity when it states one. */
export class PolicyDirectoryRefused extends Error {
  override readonly name = 'PolicyDirectoryRefused';
  readonly code = 'ERR_POLICY_INVALID';
  constructor(readonly refused: RefusedPolicy[]) {
    super(refused.map((entry) => entry.message).join('; '));
  }
}

export async function loadPolicyDirectory(directory: string, onWarning: (message: string) => void = () => undefined): Promise<Loaded<PolicySet>> {
  const files = await readManifestFiles(directory);
  const byKey = new Map<string, Policy>();
  const exceptions = new Map<string, PolicyException>();
  const refused: RefusedPolicy[] = [];
  for (const file of files) {
    let documents;
    try {
      documents = readYamlDocuments(file.text, file.path);
    } catch (error) {
      refused.push({ source: file.path, message: (error as Error).message });
      continue;
    }
    for (const document of documents) {
      const source = documents.length > 1 ? `${file.path} (document ${document.position})` : file.path;
      let parsed;
      try {
        // One document at a time (JSON is YAML), so a refusal names the document's own policy.
        parsed = parseDocuments(JSON.stringify(document.value), source);
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        refused.push({ ...identityOf(document.value), source, message: error.message });
        continue;
      }
      for (const policy of parsed.policies) {
        const key = identityKey(policy);
        const earlier = byKey.get(key);
        if (earlier) {
          onWarning(`${source}: ${policyLabel(policy)} replaces the one defined in ${earlier.source} (as kubectl apply would)`);
          byKey.delete(key); // re-inserted below, in the position of the file that wins
        }
        byKey.set(key, policy);
      }
      for (const exception of parsed.exceptions) exceptions.set(`${exception.namespace}/${exception.name}`, exception);
    }
  }
  if (refused.length > 0) throw new PolicyDirectoryRefused(refused);
  return { value: { policies: [...byKey.values()], exceptions: [...exceptions.values()], refused: [] }, fingerprint: fingerprintFiles(files) };
}
