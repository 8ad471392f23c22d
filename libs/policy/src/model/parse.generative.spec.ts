/**
 * Generative test of the policy model. Random Kyverno policies and PolicyExceptions are built from
 * a field grammar (both API versions, ClusterPolicy and namespaced Policy,
 * every accepted field at random, Kyverno's creation rules respected) and:
 *
 * - every valid one loads, and every field present in it was either read into
 *   the model or is a field documented as having no effect at admission
 *   (schema.ts) — no field accepted without being evaluated;
 * - one random defect — an unknown key inserted at a random depth, a key
 *   misspelt, a value of the wrong type, an enum value outside the CRD's —
 *   makes it refused, with the path of the bad field.
 *
 * Deterministic (seeded; FUZZ_SEED / FUZZ_CASE to replay, test/support/fuzz.ts).
 */
import { stringify } from 'yaml';
import { Rng, fuzzSeed, runFuzz, type Json } from '../../../../test/support/fuzz';
import { PolicyDocumentError } from './errors';
import { parseTraced } from './parse';
import type { ReadLog } from './reader';
import { ACTIONS, OPERATIONS, SCHEMAS, SIGNATURE_ALGORITHMS, type Shape, type TypeName } from './schema';

type Obj = { [key: string]: Json };
type Segment = string | number;

// ---------------------------------------------------------------- the grammar

interface Ctx {
  rng: Rng;
  v1: boolean;
  namespaced: boolean;
}

const maybe = <T>(rng: Rng, probability: number, make: () => T): T | undefined => (rng.bool(probability) ? make() : undefined);
const some = <T>(rng: Rng, min: number, max: number, make: (index: number) => T): T[] => Array.from({ length: rng.range(min, max) }, (_, index) => make(index));
function put(target: Obj, key: string, value: Json | undefined): void {
  if (value !== undefined) target[key] = value;
}
function subset(rng: Rng, items: readonly string[], min = 1): string[] {
  const chosen = items.filter(() => rng.bool(0.4));
  return chosen.length >= min ? chosen : items.slice(0, min);
}

const OPERATORS = ['Equals', 'NotEquals', 'In', 'AnyIn', 'AllIn', 'NotIn', 'AnyNotIn', 'AllNotIn', 'GreaterThan', 'LessThanOrEquals', 'DurationGreaterThan'];

function genSelector(rng: Rng): Obj {
  const selector: Obj = {};
  if (rng.bool(0.6)) selector['matchLabels'] = { app: rng.pick(['web', 'api']), ...(rng.bool(0.3) ? { tier: 'x' } : {}) };
  if (!selector['matchLabels'] || rng.bool(0.3)) {
    selector['matchExpressions'] = some(rng, 1, 2, () => {
      const operator = rng.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
      return { key: rng.pick(['env', 'team']), operator, ...(operator === 'In' || operator === 'NotIn' ? { values: some(rng, 1, 2, (i) => `v${i}`) } : {}) };
    });
  }
  return selector;
}

function genSubject(rng: Rng): Obj {
  const kind = rng.pick(['User', 'Group', 'ServiceAccount']);
  const subject: Obj = { kind, name: rng.pick(['alice', 'ci', 'system:masters', 'dev-*']) };
  if (kind === 'ServiceAccount') subject['namespace'] = rng.pick(['build', 'kube-system']);
  put(subject, 'apiGroup', maybe(rng, 0.2, () => (kind === 'ServiceAccount' ? '' : 'rbac.authorization.k8s.io')));
  return subject;
}

function genResources(ctx: Ctx, kindsRequired: boolean): Obj {
  const { rng } = ctx;
  const resources: Obj = {};
  if (kindsRequired || rng.bool(0.5)) resources['kinds'] = subset(rng, ['Pod', 'Deployment', 'v1/Pod', 'apps/v1/StatefulSet', 'Pod/ephemeralcontainers', 'batch/*/CronJob']);
  if (rng.bool(0.2)) resources['names'] = some(rng, 1, 2, (i) => `web-${i}*`);
  else put(resources, 'name', maybe(rng, 0.1, () => 'web'));
  if (!ctx.namespaced) put(resources, 'namespaces', maybe(rng, 0.3, () => subset(rng, ['prod', 'prod-*', 'staging'])));
  put(resources, 'annotations', maybe(rng, 0.15, () => ({ 'example.com/owner': 'team-*' })));
  put(resources, 'selector', maybe(rng, 0.2, () => genSelector(rng)));
  put(resources, 'namespaceSelector', maybe(rng, 0.2, () => genSelector(rng)));
  put(resources, 'operations', maybe(rng, 0.2, () => subset(rng, OPERATIONS)));
  if (Object.keys(resources).length === 0) resources['kinds'] = ['Pod'];
  return resources;
}

function genFilter(ctx: Ctx, role: 'match' | 'exclude'): Obj {
  const { rng } = ctx;
  const filter: Obj = {};
  if (role === 'match' || rng.bool(0.7)) filter['resources'] = genResources(ctx, role === 'match');
  put(filter, 'subjects', maybe(rng, 0.2, () => some(rng, 1, 2, () => genSubject(rng))));
  put(filter, 'roles', maybe(rng, 0.15, () => ['team-a:deployer']));
  put(filter, 'clusterRoles', maybe(rng, 0.15, () => ['cluster-admin']));
  if (Object.keys(filter).length === 0) filter['clusterRoles'] = ['admin'];
  return filter;
}

function genMatch(ctx: Ctx, role: 'match' | 'exclude'): Obj {
  const { rng } = ctx;
  if (ctx.v1 && rng.bool(0.15)) return genFilter(ctx, role);
  return { [rng.pick(['any', 'all'])]: some(rng, 1, 2, () => genFilter(ctx, role)) };
}

function genCondition(rng: Rng): Obj {
  const condition: Obj = { key: rng.bool(0.8) ? `{{ ${rng.pick(['components[].name', 'request.object.kind', 'x'])} }}` : { nested: [1, 'two'] }, operator: rng.pick(OPERATORS) };
  put(condition, 'value', maybe(rng, 0.9, () => rng.pick<Json>(['a', ['GPL-3.0'], 3, { any: 'json' }])));
  put(condition, 'message', maybe(rng, 0.2, () => 'why'));
  return condition;
}

function genAnyAll(rng: Rng): Obj {
  const block: Obj = {};
  if (rng.bool(0.6)) block['any'] = some(rng, 1, 2, () => genCondition(rng));
  if (!block['any'] || rng.bool(0.3)) block['all'] = some(rng, 1, 2, () => genCondition(rng));
  return block;
}

function genAttestorSet(ctx: Ctx, nested: boolean): Obj {
  const { rng } = ctx;
  const entries = some(rng, 1, 2, (): Obj => {
    const attestor: Obj =
      nested && rng.bool(0.1)
        ? { attestor: genAttestorSet(ctx, false) }
        : { certificates: rng.bool(0.7) ? { cert: 'PEM' } : rng.bool() ? { certChain: 'PEM' } : { cert: 'PEM', certChain: 'PEM' } };
    put(attestor, 'repository', maybe(rng, 0.1, () => 'ghcr.io/acme/sigs'));
    put(attestor, 'signatureAlgorithm', maybe(rng, 0.1, () => rng.pick(SIGNATURE_ALGORITHMS)));
    return attestor;
  });
  const set: Obj = { entries };
  put(set, 'count', maybe(rng, 0.4, () => rng.range(1, entries.length)));
  return set;
}

function genEntry(ctx: Ctx, action: { current: 'Audit' | 'Enforce' }, withValidate: boolean): Obj {
  const { rng } = ctx;
  const entry: Obj = { imageReferences: some(rng, 1, 2, (i) => `ghcr.io/acme/app${i}*`) };
  // `type` defaults to Cosign, which notary-gate refuses: always written.
  entry['type'] = 'Notary';
  put(entry, 'skipImageReferences', maybe(rng, 0.2, () => ['ghcr.io/acme/app0-test*']));
  if (ctx.v1) put(entry, 'image', maybe(rng, 0.1, () => 'ghcr.io/acme/legacy:*'));
  const withAttestors = rng.bool(0.7);
  if (withAttestors) entry['attestors'] = some(rng, 1, 2, () => genAttestorSet(ctx, true));
  if (!withAttestors || rng.bool(0.3)) {
    entry['attestations'] = some(rng, 1, 2, (i): Obj => {
      const attestation: Obj = { [rng.bool(0.85) ? 'type' : 'predicateType']: rng.pick(['sbom/cyclone-dx', 'trivy/vulnerability']), attestors: [genAttestorSet(ctx, false)] };
      put(attestation, 'name', maybe(rng, 0.5, () => `a${i}`));
      put(attestation, 'conditions', maybe(rng, 0.5, () => some(rng, 1, 2, () => genAnyAll(rng))));
      return attestation;
    });
  }
  const failureAction = maybe(rng, 0.5, () => rng.pick(['Audit', 'Enforce'] as const));
  if (failureAction) {
    entry['failureAction'] = failureAction;
    action.current = failureAction;
  }
  if (action.current === 'Audit') entry['mutateDigest'] = false;
  else put(entry, 'mutateDigest', maybe(rng, 0.3, () => rng.bool()));
  for (const flag of ['verifyDigest', 'required', 'useCache']) put(entry, flag, maybe(rng, 0.2, () => rng.bool()));
  put(entry, 'repository', maybe(rng, 0.1, () => 'ghcr.io/acme/sigs'));
  if (ctx.v1) put(entry, 'cosignOCI11', maybe(rng, 0.05, () => rng.bool()));
  if (withValidate) {
    const validate: Obj = { deny: { conditions: rng.bool(0.8) ? genAnyAll(rng) : [genCondition(rng)] } };
    put(validate, 'message', maybe(rng, 0.5, () => 'denied'));
    entry['validate'] = validate;
  }
  return entry;
}

function genRule(ctx: Ctx, name: string, specAction: 'Audit' | 'Enforce'): Obj {
  const { rng } = ctx;
  const rule: Obj = { name, match: genMatch(ctx, 'match') };
  put(rule, 'exclude', maybe(rng, 0.3, () => genMatch(ctx, 'exclude')));
  if (rng.bool(0.15)) {
    rule['validate'] = { message: 'Kyverno runs this', pattern: { metadata: { labels: { app: '?*' } } } };
    return rule;
  }
  put(
    rule,
    'context',
    maybe(rng, 0.3, () =>
      some(rng, 1, 2, (i): Obj =>
        rng.bool()
          ? { name: `c${i}`, configMap: { name: 'keys', ...(rng.bool() ? { namespace: 'kyverno' } : {}) } }
          : { name: `c${i}`, variable: rng.bool() ? { value: { free: ['form', 1] }, ...(rng.bool() ? { default: 'd' } : {}) } : { jmesPath: 'request.object.metadata.name' } },
      ),
    ),
  );
  put(rule, 'preconditions', maybe(rng, 0.3, () => (rng.bool(0.8) ? genAnyAll(rng) : [genCondition(rng)])));
  const action = { current: specAction };
  const withValidate = rng.bool(0.15);
  const entries = some(rng, 1, 2, () => genEntry(ctx, action, withValidate));
  rule['verifyImages'] = entries;
  if (rng.bool(0.15)) {
    const jmesPathAllowed = entries.every((entry) => entry['mutateDigest'] === false);
    rule['imageExtractors'] = {
      Task: some(rng, 1, 2, (i): Obj => {
        const extractor: Obj = { path: `/spec/steps/*/image${i}` };
        put(extractor, 'value', maybe(rng, 0.3, () => 'image'));
        put(extractor, 'name', maybe(rng, 0.3, () => 'steps'));
        put(extractor, 'key', maybe(rng, 0.3, () => 'name'));
        if (jmesPathAllowed) put(extractor, 'jmesPath', maybe(rng, 0.5, () => "trim_prefix(@, 'docker://')"));
        return extractor;
      }),
    };
  }
  if (ctx.v1) put(rule, 'reportProperties', maybe(rng, 0.05, () => ({ team: 'a' })));
  put(rule, 'skipBackgroundRequests', maybe(rng, 0.05, () => rng.bool()));
  return rule;
}

function genPolicy(rng: Rng): Obj {
  const ctx: Ctx = { rng, v1: rng.bool(), namespaced: rng.bool(0.3) };
  const metadata: Obj = { name: `p${rng.int(100)}` };
  if (ctx.namespaced) put(metadata, 'namespace', maybe(rng, 0.7, () => 'team-a'));
  put(metadata, 'annotations', maybe(rng, 0.3, () => ({ 'policies.kyverno.io/title': 'Check', ...(rng.bool() ? { 'pod-policies.kyverno.io/autogen-controllers': 'Deployment' } : {}), ...(rng.bool() ? { 'policies.kyverno.io/scored': 'false' } : {}) })));
  put(metadata, 'labels', maybe(rng, 0.2, () => ({ team: 'a' })));
  put(metadata, 'uid', maybe(rng, 0.1, () => '0b1c'));
  put(metadata, 'resourceVersion', maybe(rng, 0.1, () => '7'));

  const spec: Obj = {};
  const enforce = rng.bool(0.6);
  if (enforce) spec['validationFailureAction'] = rng.pick(['Enforce', 'enforce']);
  else put(spec, 'validationFailureAction', maybe(rng, 0.5, () => rng.pick(['Audit', 'audit'])));
  if (!ctx.namespaced && rng.bool(0.25)) {
    spec['validationFailureActionOverrides'] = some(rng, 1, 3, (i): Obj => {
      const override: Obj = { action: rng.pick(ACTIONS) };
      const form = rng.int(3);
      if (form !== 1) override['namespaces'] = rng.bool(0.2) ? [] : [`ns-${i}`];
      if (form !== 0) override['namespaceSelector'] = genSelector(rng);
      return override;
    });
  }
  if (rng.bool(0.3)) spec['webhookConfiguration'] = { ...(rng.bool() ? { failurePolicy: rng.pick(['Fail', 'Ignore']) } : {}), ...(rng.bool() ? { timeoutSeconds: rng.range(1, 30) } : {}) };
  else {
    put(spec, 'failurePolicy', maybe(rng, 0.3, () => rng.pick(['Fail', 'Ignore'])));
    put(spec, 'webhookTimeoutSeconds', maybe(rng, 0.3, () => rng.range(1, 30)));
  }
  put(spec, 'applyRules', maybe(rng, 0.2, () => rng.pick(['All', 'One'])));
  put(spec, 'admission', maybe(rng, 0.1, () => true));
  for (const flag of ['background', 'emitWarning', 'generateExisting', 'mutateExistingOnPolicyUpdate', 'useServerSideApply', 'schemaValidation']) put(spec, flag, maybe(rng, 0.07, () => rng.bool()));
  const specAction = enforce ? 'Enforce' : 'Audit';
  spec['rules'] = some(rng, 1, 3, (i) => genRule(ctx, `rule-${i}`, specAction));

  const policy: Obj = { apiVersion: ctx.v1 ? 'kyverno.io/v1' : 'kyverno.io/v2beta1', kind: ctx.namespaced ? 'Policy' : 'ClusterPolicy', metadata, spec };
  put(policy, 'status', maybe(rng, 0.05, () => ({ ready: true })));
  return policy;
}

/** A PolicyException (kyverno.io/v2 or v2beta1) within Kyverno's creation rules. */
function genException(rng: Rng): Obj {
  const ctx: Ctx = { rng, v1: false, namespaced: false };
  const background = rng.bool(0.6) ? undefined : rng.bool();
  const userInfo = background === false;
  const filter = (): Obj => {
    const out: Obj = {};
    if (!userInfo || rng.bool(0.7)) {
      const resources = genResources(ctx, rng.bool(0.8));
      delete resources['operations'];
      if (Object.keys(resources).length === 0) resources['kinds'] = ['Pod'];
      out['resources'] = resources;
    }
    if (userInfo) {
      put(out, 'subjects', maybe(rng, 0.5, () => [genSubject(rng)]));
      put(out, 'clusterRoles', maybe(rng, 0.3, () => ['ci-admin']));
      if (Object.keys(out).length === 0) out['roles'] = ['ci:deployer'];
    }
    return out;
  };
  const spec: Obj = {
    match: { [rng.pick(['any', 'all'])]: some(rng, 1, 2, filter) },
    exceptions: some(rng, 1, 2, (i) => ({ policyName: rng.bool() ? `policy-${i}` : `team-a/policy-${i}`, ruleNames: some(rng, 1, 2, (j) => (rng.bool(0.2) ? 'autogen-*' : `rule-${j}`)) })),
  };
  put(spec, 'background', background);
  put(spec, 'conditions', maybe(rng, 0.3, () => genAnyAll(rng)));
  const metadata: Obj = { name: `e${rng.int(100)}` };
  put(metadata, 'namespace', maybe(rng, 0.7, () => 'kyverno'));
  return { apiVersion: rng.pick(['kyverno.io/v2', 'kyverno.io/v2beta1']), kind: 'PolicyException', metadata, spec };
}

/** A policy most of the time, an exception otherwise. */
function genDocument(rng: Rng): Obj {
  return rng.bool(0.8) ? genPolicy(rng) : genException(rng);
}

// ---------------------------------------------------------------- the document seen through the field tables

interface Site {
  path: Segment[];
  shape: Shape;
  /** The object type when the site is a structured mapping. */
  type?: TypeName;
}

function sites(value: Json, shape: Shape, path: Segment[], out: Site[]): Site[] {
  if (value === null) return out;
  out.push({ path, shape, ...(shape.kind === 'object' ? { type: shape.type } : {}) });
  if (shape.kind === 'object') {
    const schema = SCHEMAS[shape.type];
    for (const [key, child] of Object.entries(value as Obj)) sites(child, schema[key]!.shape, [...path, key], out);
  } else if (shape.kind === 'list') {
    (value as Json[]).forEach((item, index) => sites(item, shape.items, [...path, index], out));
  } else if (shape.kind === 'map') {
    for (const [key, child] of Object.entries(value as Obj)) sites(child, shape.values, [...path, key], out);
  } else if (shape.kind === 'conditions') {
    if (Array.isArray(value)) value.forEach((item, index) => sites(item, { kind: 'object', type: 'Condition' }, [...path, index], out));
    else {
      out.pop();
      sites(value, { kind: 'object', type: 'AnyAllConditions' }, path, out);
    }
  }
  return out;
}

function rootShape(document: Obj): Shape {
  if (document['kind'] === 'PolicyException') return { kind: 'object', type: 'PolicyException' };
  return { kind: 'object', type: document['apiVersion'] === 'kyverno.io/v1' ? 'PolicyV1' : 'PolicyV2' };
}

/** Node's path syntax: `spec.rules[0].verifyImages[0].type`. */
function format(path: Segment[]): string {
  return path.reduce<string>((out, segment) => (typeof segment === 'number' ? `${out}[${segment}]` : out ? `${out}.${segment}` : segment), '');
}

function leaves(value: Json, path: Segment[], out: Segment[][]): Segment[][] {
  if (value === null) return out;
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(path);
    value.forEach((item, index) => leaves(item, [...path, index], out));
  } else if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) out.push(path);
    for (const key of keys) leaves(value[key]!, [...path, key], out);
  } else {
    out.push(path);
  }
  return out;
}

/** Every leaf was read, or lies in a subtree read whole, or under a field documented as having no effect. */
function unreadFields(policy: Obj, log: ReadLog): string[] {
  return leaves(policy, [], [])
    .filter((path) => {
      if (log.read.has(format(path))) return false;
      for (let length = path.length; length > 0; length--) {
        const prefix = format(path.slice(0, length));
        if (log.whole.has(prefix) || log.noEffect.has(prefix)) return false;
      }
      return true;
    })
    .map(format);
}

// ---------------------------------------------------------------- defects

interface Defect {
  what: string;
  policy: Obj;
  /** The path the refusal must name. */
  path: string;
  /** The reason must start with this, when set. */
  reasonStart?: string;
  /** The refusal may name an item of `path` (a value replaced by a list of the wrong items). */
  under?: boolean;
}

const UNKNOWN_KEYS = ['foo', 'x-extra', 'Name', 'attestor', 'attestors', 'verifyimages', 'kinds', 'count', 'spec', 'value', 'namespaceselector', 'matchLabel', 'failureaction', 'imageReference'];

function editAt(policy: Obj, path: Segment[], edit: (parent: Obj | Json[], key: Segment) => void): Obj {
  const copy = structuredClone(policy);
  let parent: Json = copy;
  for (const segment of path.slice(0, -1)) parent = (parent as Obj)[segment as string]!;
  edit(parent as Obj, path[path.length - 1]!);
  return copy;
}

function misspell(rng: Rng, key: string): string {
  switch (rng.int(5)) {
    case 0:
      return key.toLowerCase();
    case 1:
      return key[0]!.toUpperCase() + key.slice(1);
    case 2:
      return key.slice(0, -1);
    case 3:
      return `${key}s`;
    default:
      return key.length > 3 ? key.slice(0, 1) + key[2] + key[1] + key.slice(3) : `${key}_`;
  }
}

function wrongValue(rng: Rng, shape: Shape): Json {
  switch (shape.kind) {
    case 'string':
      return rng.pick<Json>([42, true, ['x'], { a: 'b' }]);
    case 'boolean':
      return rng.pick<Json>(['true', 1, ['x'], {}]);
    case 'integer':
      return rng.pick<Json>(['1', 1.5, true, [1]]);
    case 'list':
      return rng.pick<Json>(['x', 1, { a: 1 }]);
    default:
      return rng.pick<Json>(['x', 1, [1], true]);
  }
}

function defect(rng: Rng, policy: Obj): Defect | undefined {
  // The document's kind and apiVersion decide which tables apply: they are not mutated.
  const all = sites(policy, rootShape(policy), [], []).filter((site) => !(site.path.length === 1 && (site.path[0] === 'apiVersion' || site.path[0] === 'kind')));
  const objects = all.filter((site) => site.type !== undefined);
  switch (rng.int(4)) {
    case 0: {
      const site = rng.pick(objects);
      const key = rng.pick(UNKNOWN_KEYS.filter((candidate) => !Object.hasOwn(SCHEMAS[site.type!], candidate)));
      const path = format([...site.path, key]);
      const value = rng.pick<Json>([null, 'x', 1, { a: 1 }, [], true]);
      return { what: `insert ${path}`, policy: editAt(policy, [...site.path, key], (parent, at) => void ((parent as Obj)[at as string] = value)), path, reasonStart: `unknown field "${path}"` };
    }
    case 1: {
      const candidates = objects.flatMap((site) => Object.keys(jsonAt(policy, site.path) as Obj).map((key) => ({ site, key })));
      const usable = candidates.filter(({ site, key }) => !(site.path.length === 0 && (key === 'apiVersion' || key === 'kind')));
      const { site, key } = rng.pick(usable);
      const renamed = misspell(rng, key);
      const object = jsonAt(policy, site.path) as Obj;
      if (renamed === key || Object.hasOwn(SCHEMAS[site.type!], renamed) || Object.hasOwn(object, renamed)) return undefined;
      const path = format([...site.path, renamed]);
      return {
        what: `rename ${format([...site.path, key])} → ${renamed}`,
        policy: editAt(policy, [...site.path, key], (parent, at) => {
          const target = parent as Obj;
          target[renamed] = target[at as string]!;
          delete target[at as string];
        }),
        path,
        reasonStart: `unknown field "${path}"`,
      };
    }
    case 2: {
      const typed = all.filter((site) => site.path.length > 0 && site.shape.kind !== 'json');
      const site = rng.pick(typed);
      const value = wrongValue(rng, site.shape);
      const path = format(site.path);
      return { what: `${path} := ${JSON.stringify(value)}`, policy: editAt(policy, site.path, (parent, at) => void ((parent as Obj)[at as string] = value)), path, under: Array.isArray(value) };
    }
    default: {
      const enums = all.filter((site) => site.shape.kind === 'string' && site.shape.enum !== undefined);
      if (enums.length === 0) return undefined;
      const site = rng.pick(enums);
      const allowed = (site.shape as { enum: readonly string[] }).enum;
      const current = String(jsonAt(policy, site.path));
      const bad = [current.toLowerCase(), current.toUpperCase(), `${current}x`, 'Unknown', ''].filter((candidate) => !allowed.includes(candidate));
      const value = rng.pick(bad);
      const path = format(site.path);
      return { what: `${path} := ${JSON.stringify(value)}`, policy: editAt(policy, site.path, (parent, at) => void ((parent as Obj)[at as string] = value)), path, reasonStart: 'must be one of ' };
    }
  }
}

function jsonAt(value: Json, path: Segment[]): Json {
  let current: Json = value;
  for (const segment of path) current = (current as Obj)[segment as string]!;
  return current;
}

// ---------------------------------------------------------------- the properties

describe('generated policies', () => {
  it('every valid policy or exception loads, and every field in it is read into the model or documented as without effect: 500 documents', async () => {
    const counts = { policies: 0, exceptions: 0, rules: 0, ignoredRules: 0, warnings: 0, noEffect: 0 };
    await runFuzz('valid documents', {
      seed: fuzzSeed(0x8a11d001),
      cases: 500,
      generate: (rng) => ({ mutation: 'none', input: genDocument(rng) }),
      check: (document) => {
        const { loaded, logs } = parseTraced(stringify(document), 'generated.yaml');
        expect(loaded.policies.length + loaded.exceptions.length).toBe(1);
        expect(unreadFields(document, logs[0]!.log)).toEqual([]);
        counts.noEffect += logs[0]!.log.noEffect.size;
        const policy = loaded.policies[0];
        if (!policy) {
          counts.exceptions++;
          return;
        }
        counts.policies++;
        counts.rules += policy.rules.length;
        counts.ignoredRules += policy.ignoredRules.length;
        counts.warnings += policy.warnings.length;
      },
      show: (document) => stringify(document),
    });
    // The grammar reaches what it should: verifyImages rules, Kyverno's rules, exceptions, warnings, no-effect fields.
    expect(counts.policies).toBeGreaterThan(350);
    expect(counts.exceptions).toBeGreaterThan(50);
    expect(counts.rules).toBeGreaterThan(300);
    expect(counts.ignoredRules).toBeGreaterThan(20);
    expect(counts.warnings).toBeGreaterThan(20);
    expect(counts.noEffect).toBeGreaterThan(20);
  });

  it('one defect (unknown or misspelt field, wrong type, bad enum) at a random depth is refused with its path: 1000 documents', async () => {
    const kinds = new Map<string, number>();
    await runFuzz('defective policies', {
      seed: fuzzSeed(0x8a11d002),
      cases: 1000,
      generate: (rng) => {
        const policy = genDocument(rng);
        let found: Defect | undefined;
        for (let attempt = 0; attempt < 10 && !found; attempt++) found = defect(rng, policy);
        if (!found) throw new Error('no defect could be made');
        return { mutation: found.what, input: found };
      },
      check: (found) => {
        let error: unknown;
        try {
          parseTraced(stringify(found.policy), 'generated.yaml');
        } catch (caught) {
          error = caught;
        }
        if (!(error instanceof PolicyDocumentError)) throw new Error(`not refused (${found.what}): ${error instanceof Error ? error.message : 'it loaded'}`);
        // A wrong-typed list may be refused at its first item (`preconditions := [1]` → `preconditions[0]`): still the bad field.
        const path = found.under && error.path.startsWith(`${found.path}[`) ? found.path : error.path;
        expect({ path, reason: error.reason }).toEqual({ path: found.path, reason: found.reasonStart ? expect.stringMatching(new RegExp(`^${escape(found.reasonStart)}`)) : expect.any(String) });
        const kind = found.what.split(' ')[0]!;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      },
      show: (found) => stringify(found.policy),
    });
    // Each kind of defect is exercised (about a quarter each).
    for (const kind of ['insert', 'rename']) expect(kinds.get(kind)).toBeGreaterThan(150);
    expect([...kinds.entries()].filter(([kind]) => kind !== 'insert' && kind !== 'rename').reduce((sum, [, count]) => sum + count, 0)).toBeGreaterThan(300);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
