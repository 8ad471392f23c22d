/**
 * Kyverno's wording for admission outcomes, in one place (STYLE.md §7).
 */
import { renderYamlMap } from './kyverno-yaml';

export interface BlockedResource {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * `GetBlockedMessages`: "\n\nresource Kind/Namespace/Name was blocked due to the
 * following policies \n\n" + YAML of {policy: {rule: message}} (fail, error and
 * warn rules of every policy; the last response per rule wins).
 */
export function blockedMessage(resource: BlockedResource, failures: Record<string, Record<string, string>>): string {
  return `\n\nresource ${resource.kind}/${resource.namespace}/${resource.name} was blocked due to the following policies \n\n${renderYamlMap(failures)}`;
}

/** Warning line for a rule response (`policy <policy>.<rule>: <message>`). */
export function ruleWarning(policy: string, rule: string, message: string): string {
  return `policy ${policy}.${rule}: ${message}`;
}
