/**
 * Generated properties of the matcher (seeded, replayable: test/support/fuzz.ts):
 *   1. "undecided" is exact: whenever matchRule decides with a fact unknown, every concrete value of that
 *      fact gives the same decision (sound: an unknown fact never decides by accident); whenever it says
 *      undecided, two values of the fact give different answers (complete) — unless a wildcard
 *      namespaceSelector keeps the value space from being enumerated (refine.ts);
 *   2. a decided outcome with every fact known is what the concrete evaluation gives (no fact is consulted
 *      that the rule does not need: supplying it unknown where it is not needed changes nothing);
 *   3. image spellings never select less, nor skip more, than Kyverno's single string does.
 */
import type { LabelSelector, MatchResources, ResourceFilter } from '../model/types';
import { wildcardMatch } from '../wildcard';
import { Rng, fuzzSeed } from '../../../../test/support/fuzz';
import type { MatchFacts, RequesterRoles } from './facts';
import { matchRule } from './match-rule';
import { imageReferenceMatches, imageReferenceSkipped, kyvernoImageString, parseImageParts, type ImageParts } from './image-spellings';

// Every value that can matter to the generated filters: env ∈ {absent, prod, dev, other} × team ∈ {absent, a};
// every subset of the role names they use.
const LABEL_VALUES: Array<Record<string, string>> = [undefined, 'prod', 'dev', 'other'].flatMap((env) =>
  [undefined, 'a'].map((team) => ({ ...(env ? { env } : {}), ...(team ? { team } : {}) })),
);
const subsets = (items: string[]): string[][] => items.reduce<string[][]>((acc, item) => [...acc, ...acc.map((s) => [...s, item])], [[]]);
const ROLE_VALUES: RequesterRoles[] = subsets(['team-a:editor', 'team-b:editor']).flatMap((roles) =>
  subsets(['view', 'admin', 'cluster-admin']).map((clusterRoles) => ({ roles, clusterRoles })),
);
const SELECTORS: LabelSelector[] = [
  { matchLabels: { env: 'prod' } },
  { matchLabels: { env: 'dev' } },
  { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
  { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
  { matchLabels: { env: 'p*' } },
  {},
];

function randomFilter(rng: Rng, forMatch: boolean): ResourceFilter {
  const filter: ResourceFilter = {};
  const resources: NonNullable<ResourceFilter['resources']> = {};
  if (forMatch || rng.bool(0.4)) resources.kinds = [rng.pick(['Pod', 'Deployment', '*', 'Pod/ephemeralcontainers'])];
  if (rng.bool(0.3)) resources.names = [rng.pick(['web', 'api', 'w*', '?eb'])];
  if (rng.bool(0.2)) resources.namespaces = [rng.pick(['team-a', 'team-*', 'prod'])];
  if (rng.bool(0.4)) resources.namespaceSelector = rng.pick(SELECTORS);
  if (rng.bool(0.2)) resources.operations = [rng.pick(['CREATE', 'UPDATE'])];
  if (Object.keys(resources).length > 0) filter.resources = resources;
  if (rng.bool(0.3)) filter.clusterRoles = [rng.pick(['view', 'admin', 'cluster-admin'])];
  if (rng.bool(0.2)) filter.roles = [rng.pick(['team-a:editor', 'team-b:editor'])];
  if (rng.bool(0.2)) filter.subjects = [rng.pick([{ kind: 'User' as const, name: 'alice' }, { kind: 'Group' as const, name: 'dev' }, { kind: 'User' as const, name: '*' }])];
  return filter;
}

function randomBlock(rng: Rng, forMatch: boolean): MatchResources {
  const filters = Array.from({ length: rng.range(1, 3) }, () => randomFilter(rng, forMatch));
  return rng.bool() ? { any: filters } : { all: filters };
}

function randomFacts(rng: Rng): MatchFacts {
  const namespaced = rng.bool(0.85);
  return {
    group: '',
    version: 'v1',
    kind: rng.pick(['Pod', 'Pod', 'Deployment', 'Namespace']),
    subresource: rng.pick(['', '', 'ephemeralcontainers']),
    name: rng.pick(['web', 'api']),
    namespace: namespaced ? rng.pick(['team-a', 'prod']) : '',
    operation: rng.pick(['CREATE', 'UPDATE']),
    labels: {},
    annotations: {},
    user: rng.bool(0.85) ? { username: 'alice', groups: ['dev'] } : null,
    roles: { known: true, value: rng.pick(ROLE_VALUES) },
    namespaceLabels: { known: true, value: rng.pick(LABEL_VALUES) },
  };
}

describe('matchRule: generated rules (undecided is sound and complete)', () => {
  const seed = fuzzSeed(0x5eed8);
  const cases = 600;

  it(`${cases} rules × facts, seed ${seed}`, () => {
    const rng = new Rng(seed);
    let undecided = 0;
    for (let i = 0; i < cases; i++) {
      const rule = { name: 'r', match: randomBlock(rng, true), ...(rng.bool(0.6) ? { exclude: randomBlock(rng, false) } : {}) };
      const facts = randomFacts(rng);
      const hideLabels = rng.bool();
      const hideRoles = rng.bool();
      const partial: MatchFacts = {
        ...facts,
        ...(hideLabels ? { namespaceLabels: { known: false as const, reason: 'r' } } : {}),
        ...(hideRoles ? { roles: { known: false as const, reason: 'r' } } : {}),
      };
      const outcome = matchRule(rule, { kind: 'ClusterPolicy' }, partial).result;
      const concrete = new Set<string>();
      for (const labels of hideLabels ? LABEL_VALUES : [null]) {
        for (const roles of hideRoles ? ROLE_VALUES : [null]) {
          const full: MatchFacts = {
            ...facts,
            ...(labels ? { namespaceLabels: { known: true as const, value: labels } } : {}),
            ...(roles ? { roles: { known: true as const, value: roles } } : {}),
          };
          const result = matchRule(rule, { kind: 'ClusterPolicy' }, full).result;
          expect(result).not.toBe('undecided');
          concrete.add(result);
        }
      }
      const replay = `case ${i} (seed ${seed}): ${JSON.stringify({ rule, partial })}`;
      const wildcardSelector = JSON.stringify(rule).includes('p*');
      if (outcome === 'undecided') {
        undecided++;
        if (!wildcardSelector) expect({ replay, differs: concrete.size > 1 }).toEqual({ replay, differs: true });
      } else {
        expect({ replay, concrete: [...concrete] }).toEqual({ replay, concrete: [outcome] });
      }
      // With nothing hidden the answer is the concrete one.
      if (!hideLabels && !hideRoles) expect(outcome).toBe([...concrete][0]);
    }
    // The generator does reach the undecided branch (the property is not vacuous).
    expect(undecided).toBeGreaterThan(cases / 40);
  });
});

describe('image spellings: never less strict than Kyverno (generated)', () => {
  const seed = fuzzSeed(0x1a9e);
  const IMAGES = [
    'nginx', 'nginx:1.25', 'library/nginx:1', 'docker.io/nginx', 'index.docker.io/library/nginx:1.25', 'myorg/app:2',
    'ghcr.io/acme/app:1', 'GHCR.IO/acme/app:1', 'ghcr.io:443/acme/app', 'localhost:5000/x', 'LOCALHOST:5000/x:1',
    `ghcr.io/acme/app:1@sha256:${'a'.repeat(64)}`, `nginx@sha256:${'b'.repeat(64)}`, 'quay.io/x/y:latest',
  ];
  const PATTERN_PARTS = ['*', 'docker.io/', 'ghcr.io/', 'GHCR.IO/', 'acme/', 'library/', 'nginx', 'app', ':1*', '@sha256:*', 'localhost:5000/', ':443/', '?', 'x'];

  it('Kyverno-selected ⇒ selected; skipped ⇒ Kyverno-skipped', () => {
    const rng = new Rng(seed);
    for (let i = 0; i < 4000; i++) {
      const patterns = Array.from({ length: rng.range(1, 3) }, () => Array.from({ length: rng.range(1, 4) }, () => rng.pick(PATTERN_PARTS)).join(''));
      const image = parseImageParts(rng.pick(IMAGES)) as ImageParts;
      const kyvernoSees = kyvernoImageString(image);
      const kyvernoSelects = patterns.some((p) => wildcardMatch(p, kyvernoSees));
      if (kyvernoSelects) expect({ i, patterns, image, selected: imageReferenceMatches(patterns, image) }).toMatchObject({ selected: true });
      if (imageReferenceSkipped(patterns, image)) expect({ i, patterns, image, kyvernoSkips: kyvernoSelects }).toMatchObject({ kyvernoSkips: true });
    }
  });
});
