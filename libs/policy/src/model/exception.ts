/**
 * PolicyException documents (kyverno.io/v2, v2beta1 — one schema), with
 * Kyverno's creation-time checks (KV@v1.14.0:api/kyverno/v2/
 * policy_exception_types.go `Validate`). Which namespaces exceptions may live
 * in, and how they match, are decided where they are used.
 */
import { parseAnyAll } from './parse-conditions';
import { parseMatch } from './parse-match';
import type { Node } from './reader';
import type { PolicyException } from './types';

export function parsePolicyException(root: Node): PolicyException {
  const apiVersion = root.child('apiVersion').oneOf(['kyverno.io/v2', 'kyverno.io/v2beta1'] as const)!;
  root.child('kind').oneOf(['PolicyException'] as const);
  const metadata = root.child('metadata');
  metadata.map();
  const name = metadata.child('name').requiredString();
  // A namespaced object without a namespace lands in `default` (kubectl, and Kyverno's CLI).
  const namespace = metadata.child('namespace').string() || 'default';
  metadata.child('uid').string();
  metadata.child('resourceVersion').string();
  if (metadata.child('annotations').present) metadata.child('annotations').stringMap();
  const spec = root.child('spec');
  spec.map();
  const background = spec.child('background').boolean(true);
  const matchNode = spec.child('match');
  const match = parseMatch(matchNode, { role: 'exception', namespaced: false, background });
  if (!match.any && !match.all) matchNode.fail('must have any or all (an exception without them matches nothing)');
  for (const [block, filters] of [['any', match.any], ['all', match.all]] as const) {
    filters?.forEach((filter, index) => {
      const filterNode = matchNode.child(block).list()[index]!;
      // Kyverno's exception matcher never reads operations (KV@v1.14.0:pkg/engine/utils/exceptions.go): the
      // exception would hold for every operation, wider than written.
      if (filter.resources?.operations) {
        filterNode.child('resources').child('operations').fail('operations are never checked for PolicyExceptions by Kyverno: the exception would apply to every operation; remove them');
      }
      if (!filter.resources && !filter.subjects && !filter.roles && !filter.clusterRoles) filterNode.fail('an empty filter never matches (Kyverno ignores it): give it criteria or remove it');
      // KV@v1.14.0:api/kyverno/v1/user_info_types.go `ValidateNoUserInfo`, applied by the exception's `Validate` when background
      // is on: user info exists only in admission requests, which background scans lack.
      if (background) {
        for (const field of ['roles', 'clusterRoles', 'subjects'] as const) {
          if (filter[field]) filterNode.child(field).fail('Usage of user info is forbidden (set spec.background: false to match on subjects, roles or clusterRoles)');
        }
      }
    });
  }
  const conditions = spec.child('conditions').present ? parseAnyAll(spec.child('conditions')) : undefined;
  const exceptionsNode = spec.child('exceptions');
  const exceptions = exceptionsNode.list().map((item) => {
    item.map();
    const policyNameNode = item.child('policyName');
    const policyName = policyNameNode.requiredString();
    if (policyName.split('/').length > 2) policyNameNode.fail('must be <name> (ClusterPolicy) or <namespace>/<name> (Policy)');
    const ruleNamesNode = item.child('ruleNames');
    const ruleNames = ruleNamesNode.stringList();
    if (ruleNames.length === 0) ruleNamesNode.fail('at least one rule name is required (an exception without them skips nothing)');
    return { policyName, ruleNames };
  });
  if (exceptions.length === 0) exceptionsNode.fail('at least one exception is required');
  return { apiVersion, name, namespace, source: root.source, match, ...(conditions ? { conditions } : {}), exceptions };
}
