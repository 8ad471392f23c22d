/**
 * The variables a rule sees (kyverno-notary-spec §5): `request`, `images`,
 * `serviceAccountName`/`Namespace`, and its `context` entries (configMap,
 * variable).
 */
import type { AdmissionRequest, ContainerImage } from '@notary-gate/admission';
import { imagesContext } from '@notary-gate/admission';
import type { ContextEntry, Policy } from '@notary-gate/policy';
import type { Jmespath } from '@notary-gate/policy';
import { substituteVariables } from '@notary-gate/policy';
import type { ConfigMapSource } from './types';

export class RuleContextError extends Error {
  override readonly name = 'RuleContextError';
}

export function baseContext(request: AdmissionRequest, images: ContainerImage[]): Record<string, unknown> {
  const username = request.userInfo?.username ?? '';
  const serviceAccount = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  return {
    request: {
      uid: request.uid,
      kind: request.kind,
      namespace: request.namespace ?? '',
      name: request.name ?? '',
      operation: request.operation,
      userInfo: request.userInfo ?? {},
      object: request.operation === 'DELETE' ? request.oldObject : request.object,
      oldObject: request.oldObject,
      dryRun: request.dryRun ?? false,
    },
    images: imagesContext(images),
    serviceAccountName: serviceAccount?.[2] ?? '',
    serviceAccountNamespace: serviceAccount?.[1] ?? '',
  };
}

/** Load the rule's context entries into a copy of the base context, in order (later entries may use earlier ones). */
export async function loadContextEntries(
  entries: ContextEntry[],
  base: Record<string, unknown>,
  policy: Pick<Policy, 'kind' | 'namespace'>,
  configMaps: ConfigMapSource,
  jmespath: Jmespath,
): Promise<Record<string, unknown>> {
  const context: Record<string, unknown> = { ...base };
  for (const entry of entries) {
    if ('configMap' in entry) {
      const name = String(substitute(entry.configMap.name, context, entry.name, jmespath));
      let namespace = String(substitute(entry.configMap.namespace ?? '', context, entry.name, jmespath));
      // Kyverno: empty → `default` for a ClusterPolicy, the policy's own namespace for a Policy.
      if (namespace === '') namespace = policy.kind === 'Policy' ? (policy.namespace ?? 'default') : 'default';
      if (policy.kind === 'Policy' && policy.namespace && namespace !== policy.namespace) {
        throw new RuleContextError(`failed to load context: failed to retrieve config map for context entry ${entry.name}: a namespaced Policy may only read ConfigMaps of its own namespace "${policy.namespace}"`);
      }
      let configMap;
      try {
        configMap = await configMaps.get(namespace, name);
      } catch (error) {
        throw new RuleContextError(`failed to load context: failed to retrieve config map for context entry ${entry.name}: ${(error as Error).message}`);
      }
      if (!configMap) {
        throw new RuleContextError(`failed to load context: failed to retrieve config map for context entry ${entry.name}: configmaps "${name}" not found in namespace "${namespace}"`);
      }
      context[entry.name] = { data: configMap.data, metadata: configMap.metadata };
    } else {
      const { value, jmesPath, default: fallback } = entry.variable;
      let result: unknown = value === undefined ? undefined : substitute(value, context, entry.name, jmespath);
      if (jmesPath !== undefined) {
        try {
          result = jmespath.search(String(substitute(jmesPath, context, entry.name, jmespath)), result === undefined ? context : result);
        } catch (error) {
          if (fallback === undefined) throw new RuleContextError(`failed to load context: failed to evaluate variable ${entry.name}: ${(error as Error).message}`);
          result = undefined;
        }
      }
      context[entry.name] = result === undefined || result === null ? (fallback ?? null) : result;
    }
  }
  return context;
}

function substitute(value: unknown, context: Record<string, unknown>, entryName: string, jmespath: Jmespath): unknown {
  try {
    return substituteVariables(value, context, { jmespath });
  } catch (error) {
    throw new RuleContextError(`failed to load context: failed to substitute variables in context entry ${entryName}: ${(error as Error).message}`);
  }
}
