/* eslint-disable @typescript-eslint/no-explicit-any -- builders edit untyped Kubernetes documents */
/**
 * Builders for policy-model tests: one valid Notary policy as an object, YAML
 * snippets merged into it at named places, and the error of a refused load.
 */
import { parse as parseYaml, stringify } from 'yaml';
import { PolicyDocumentError } from './errors';
import { parsePolicyDocuments } from './parse';

export type Place = 'root' | 'metadata' | 'spec' | 'rule' | 'match' | 'filter' | 'resources' | 'entry' | 'attestorSet' | 'attestor' | 'certificates';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

/** A valid kyverno.io/v1 ClusterPolicy with one Notary verifyImages rule. */
export function basePolicy(): Record<string, any> {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p' },
    spec: {
      validationFailureAction: 'Enforce',
      rules: [
        {
          name: 'r',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          verifyImages: [{ type: 'Notary', imageReferences: ['ghcr.io/*'], attestors: [{ entries: [{ certificates: { cert: PEM } }] }] }],
        },
      ],
    },
  };
}

function at(policy: Record<string, any>, place: Place): Record<string, any> {
  const rule = policy['spec']?.rules?.[0];
  const entry = rule?.verifyImages?.[0];
  switch (place) {
    case 'root':
      return policy;
    case 'metadata':
      return policy['metadata'];
    case 'spec':
      return policy['spec'];
    case 'rule':
      return rule;
    case 'match':
      return rule.match;
    case 'filter':
      return rule.match.any[0];
    case 'resources':
      return rule.match.any[0].resources;
    case 'entry':
      return entry;
    case 'attestorSet':
      return entry.attestors[0];
    case 'attestor':
      return entry.attestors[0].entries[0];
    case 'certificates':
      return entry.attestors[0].entries[0].certificates;
  }
}

export interface Edit {
  place: Place;
  /** YAML mapping merged into the object at `place` (keys replaced). */
  yaml?: string;
  /** Keys removed at `place` first. */
  drop?: string[];
}

/** The base policy with edits applied, as YAML text. */
export function policyYaml(...edits: Edit[]): string {
  const policy = basePolicy();
  for (const edit of edits) {
    const target = at(policy, edit.place);
    for (const key of edit.drop ?? []) delete target[key];
    if (edit.yaml) Object.assign(target, parseYaml(edit.yaml));
  }
  return stringify(policy);
}

/** The PolicyDocumentError of loading `text` (fails the test when it loads). */
export function refusalOf(text: string, source = 'policy.yaml'): PolicyDocumentError {
  try {
    parsePolicyDocuments(text, source);
  } catch (error) {
    if (error instanceof PolicyDocumentError) return error;
    throw error;
  }
  throw new Error(`expected a refusal, but it loaded:\n${text}`);
}
