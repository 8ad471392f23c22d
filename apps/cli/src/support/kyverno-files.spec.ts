/** The Kyverno CLI's input files read strictly: UserInfo, Values, Test. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTestFile, readUserInfo, readValuesFile } from './kyverno-files';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ng-kyverno-files-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('UserInfo', () => {
  it('takes roles and clusterRoles literally and the user from userInfo', () => {
    const path = file('u.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: UserInfo\nmetadata: {name: u}\nroles: ["ns:dev"]\nclusterRoles: [view]\nuserInfo: {username: alice, groups: [g1]}\nsynchronize: false\n');
    expect(readUserInfo(path, () => undefined)).toEqual({ username: 'alice', groups: ['g1'], roles: ['ns:dev'], clusterRoles: ['view'] });
  });

  it('warns about the deprecated schema without apiVersion/kind, as Kyverno does', () => {
    const lines: string[] = [];
    readUserInfo(file('old.yaml', 'clusterRoles: [admin]\n'), (line) => lines.push(line));
    expect(lines).toEqual([`WARNING: user infos file (${join(dir, 'old.yaml')}) uses a deprecated schema that will be removed in 1.13`]);
  });

  it('refuses unknown keys at any depth, a wrong kind and wrong types', () => {
    expect(() => readUserInfo(file('a.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: UserInfo\nuserInfo: {user: x}\n'), () => undefined)).toThrow(
      `${join(dir, 'a.yaml')}: userInfo.user: unknown field "user" (strict decoding, as Kyverno's CLI)`,
    );
    expect(() => readUserInfo(file('b.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Values\n'), () => undefined)).toThrow('kind: must be "UserInfo"');
    expect(() => readUserInfo(file('c.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: UserInfo\nroles: admin\n'), () => undefined)).toThrow('roles: must be a list');
  });
});

describe('Values', () => {
  it('namespaces objects win over namespaceSelector entries of the same name', () => {
    const values = readValuesFile(
      file(
        'v.yaml',
        'apiVersion: cli.kyverno.io/v1alpha1\nkind: Values\nglobalValues: {request.operation: UPDATE}\nnamespaceSelector:\n  - {name: a, labels: {x: "1"}}\n  - {name: b, labels: {x: "2"}}\nnamespaces:\n  - {apiVersion: v1, kind: Namespace, metadata: {name: a, labels: {x: "3"}}}\npolicies:\n  - name: p\n    resources: [{name: r, values: {k: v}}]\n    rules: [{name: verify, values: {k: w}}]\n',
      ),
    );
    expect([...values.namespaceLabels]).toEqual([
      ['a', { x: '3' }],
      ['b', { x: '2' }],
    ]);
    expect(values.globalValues).toEqual({ 'request.operation': 'UPDATE' });
    expect(values.policies).toEqual([{ name: 'p', resources: [{ name: 'r', values: { k: 'v' } }], rules: [{ name: 'verify', values: { k: 'w' } }] }]);
  });

  it('refuses what it cannot use rather than ignoring it', () => {
    expect(() => readValuesFile(file('f.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Values\npolicies: [{name: p, rules: [{name: r, foreachValues: {a: [1]}}]}]\n'))).toThrow(
      'policies[0].rules[0].foreachValues: foreach values apply to foreach rules',
    );
  });
});

describe('Test', () => {
  it('reads 1.13 and 1.14 result spellings alike', () => {
    const test = readTestFile(
      file(
        't.yaml',
        'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\npolicies: [p.yaml]\nresources: [r.yaml]\nresults:\n  - {policy: p, rule: r, resources: [a, ns/b], kind: Pod, result: fail}\n  - {policy: p, rule: r, resource: c, namespace: ns, kind: Pod, status: pass}\n',
      ),
    );
    expect(test.results.map(({ resources, result }) => [resources, result])).toEqual([
      [['a', 'ns/b'], 'fail'],
      [['ns/c'], 'pass'],
    ]);
  });

  it('refuses checks and patched resources it would not compare', () => {
    expect(() => readTestFile(file('u.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nresults: [{policy: p, rule: r, result: pass, patchedResources: x.yaml}]\n'))).toThrow(
      'results[0].patchedResources: patchedResources is not compared by notary-gate test',
    );
    expect(() => readTestFile(file('w.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nresults: [{policy: p, rule: r, result: passed}]\n'))).toThrow('results[0].result: must be one of pass, fail, skip, warn, error');
  });
});
