import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { fixturePath } from '../../../test/support/fixtures';
import { evaluateConditions, validateConditions, type AnyAllConditions, type Conditions } from './conditions';
import { createJmespath } from './jmespath';

const jmespath = createJmespath();
const resource = { request: { object: { metadata: { name: 'temp', namespace: 'n1' }, spec: { foo: 'bar', foo2: 'bar2' } } } };
const evaluate = (c: Conditions, ctx: unknown = resource) => evaluateConditions(c, ctx, { jmespath });

describe('evaluate_test.go', () => {
  it('Test_Eval_Equal_Var_Pass / _Fail', () => {
    expect(evaluate([{ key: '{{request.object.metadata.name}}', operator: 'Equal', value: 'temp' }]).passed).toBe(true);
    expect(evaluate([{ key: '{{request.object.metadata.name}}', operator: 'Equal', value: 'temp1' }]).passed).toBe(false);
  });

  it('Test_Condition_Messages', () => {
    const cond = (key: string, value: string, message: string) => ({ key, operator: 'Equal', value, message });
    let c: AnyAllConditions = {
      any: [cond('{{request.object.metadata.name}}', 'temp2', 'invalid name'), cond('{{request.object.spec.foo}}', 'bar2', 'invalid foo')],
    };
    expect(evaluate([c])).toEqual({ passed: false, message: 'invalid name; invalid foo' });
    c = { any: [cond('{{request.object.metadata.name}}', 'temp', 'invalid name'), cond('{{request.object.spec.foo}}', 'bar', 'invalid foo')] };
    expect(evaluate([c])).toEqual({ passed: true, message: 'invalid name' });
    c = { any: c.any, all: [cond('{{request.object.metadata.name}}', 'temp', 'invalid name'), cond('{{request.object.spec.foo}}', 'bar2', 'invalid foo')] };
    expect(evaluate([c])).toEqual({ passed: false, message: 'invalid foo' });
    c = {
      any: [cond('{{request.object.metadata.name}}', 'temp1', 'invalid name'), cond('{{request.object.spec.foo}}', 'bar2', 'invalid foo')],
      all: [cond('{{request.object.metadata.name}}', 'temp', 'invalid name'), cond('{{request.object.spec.foo}}', 'bar2', 'invalid foo2')],
    };
    expect(evaluate([c])).toEqual({ passed: false, message: 'invalid name; invalid foo; invalid foo2' });
  });

  it('joins the messages of passing blocks of a list with ";"', () => {
    const ok = (message: string) => ({ all: [{ key: 'a', operator: 'Equals', value: 'a', message }] });
    expect(evaluate([ok('one'), ok('two')])).toEqual({ passed: true, message: 'one;two' });
  });

  it('short-circuits: a later condition with a bad variable is never substituted', () => {
    expect(evaluate({ any: [{ key: 'a', operator: 'Equals', value: 'a' }, { key: '{{ nope }}', operator: 'Equals', value: 'x' }] }).passed).toBe(true);
  });

  it("fails an unresolvable variable with Kyverno's message (kyverno-notary-spec §2.7)", () => {
    expect(() => evaluate({ any: [{ key: '{{ sbom.missing }}', operator: 'Equals', value: 'x' }] }, { sbom: {} })).toThrow(
      'failed to substitute variables in condition key: failed to resolve sbom.missing at path : JMESPath query failed: Unknown key "missing" in path',
    );
    expect(() => evaluate({ any: [{ key: 'x', operator: 'Equals', value: '{{ sbom.missing }}' }] }, { sbom: {} })).toThrow(
      /^failed to substitute variables in condition value: failed to resolve sbom.missing at path : /,
    );
  });
});

// ---- the seed's policies over realistic payloads -------------------------------------------------

interface SeedEntry {
  attestations: Array<{ conditions: Conditions }>;
  validate?: { message: string; deny: { conditions: Conditions } };
}
interface SeedPolicy {
  spec: { rules: Array<{ verifyImages: SeedEntry[] }> };
}

const seedEntry = (file: string): SeedEntry => {
  const policy = parseAllDocuments(readFileSync(fixturePath('seed/policies', file), 'utf8'))[0]!.toJSON() as SeedPolicy;
  return policy.spec.rules[0]!.verifyImages[0]!;
};

const cyclonedxSbom = (licenses: string[]) => ({
  bomFormat: 'CycloneDX',
  specVersion: '1.4',
  metadata: { timestamp: '2023-05-22T14:45:04Z' },
  components: [
    { type: 'library', name: 'musl', version: '1.2.3', licenses: licenses.map((id) => ({ expression: id })) },
    { type: 'library', name: 'busybox', version: '1.35.0', licenses: [{ expression: licenses[0] }] },
    { type: 'operating-system', name: 'alpine', version: '3.16.2' },
  ],
});

describe('seed: check-image-sbom-license.yaml (attestation conditions, AllIn)', () => {
  const attestation = seedEntry('check-image-sbom-license.yaml').attestations[0]!;
  // The payload is merged at the context root while the attestation's conditions run (spec §2.7).
  const contextFor = (payload: object) => ({ request: resource.request, ...payload });

  it('passes when every component license is GPL-3.0', () => {
    expect(evaluate(attestation.conditions, contextFor(cyclonedxSbom(['GPL-3.0']))).passed).toBe(true);
  });
  it('fails when a component carries another license', () => {
    expect(evaluate(attestation.conditions, contextFor(cyclonedxSbom(['GPL-3.0', 'MIT']))).passed).toBe(false);
  });
  it('passes when no component declares a license (an empty key list is AllIn)', () => {
    expect(evaluate(attestation.conditions, contextFor({ components: [{ name: 'x' }] })).passed).toBe(true);
  });
});

describe('seed: check-image-trivy-vex.yaml (validate.deny, AnyNotIn across named attestations)', () => {
  const entry = seedEntry('check-image-trivy-vex.yaml');
  const validate = entry.validate!;
  const trivy = (ids: string[]) => ({ SchemaVersion: 2, ArtifactName: 'ghcr.io/kyverno/test-verify-image', Vulnerabilities: ids.map((id) => ({ VulnerabilityID: id, Severity: 'HIGH' })) });
  const vex = (ids: string[]) => ({ bomFormat: 'CycloneDX', vulnerabilities: ids.map((id) => ({ id, analysis: { state: 'not_affected' } })) });
  const deny = (ctx: object) => evaluate(validate.deny.conditions, ctx);

  it('does not deny when every trivy vulnerability is covered by the VEX report', () => {
    const result = deny({ trivy: trivy(['CVE-2022-48174', 'CVE-2023-0464']), vex: vex(['CVE-2023-0464', 'CVE-2022-48174', 'CVE-2023-9999']) });
    expect(result.passed).toBe(false);
  });
  it('denies when trivy reports a vulnerability the VEX report lacks', () => {
    const result = deny({ trivy: trivy(['CVE-2022-48174', 'CVE-2024-0001']), vex: vex(['CVE-2022-48174']) });
    expect(result.passed).toBe(true);
    expect(validate.message).toBe('All vulnerabilities in trivy and vex should be same');
  });
  it('does not deny on an empty trivy report, nor when the trivy list is missing (null key)', () => {
    expect(deny({ trivy: trivy([]), vex: vex(['CVE-1']) }).passed).toBe(false);
    expect(deny({ trivy: {}, vex: vex(['CVE-1']) }).passed).toBe(false);
  });
});

describe('validateConditions (load time)', () => {
  it('accepts the seed policies', () => {
    for (const file of ['check-image-sbom-license.yaml', 'check-image-trivy-vex.yaml']) {
      const entry = seedEntry(file);
      for (const a of entry.attestations) expect(validateConditions(a.conditions, 'conditions')).toEqual([]);
      if (entry.validate) expect(validateConditions(entry.validate.deny.conditions, 'validate.deny.conditions')).toEqual([]);
    }
  });
  it('rejects an unknown operator with the YAML path of the field', () => {
    const issues = validateConditions([{ all: [{ key: 'a', operator: 'Equals', value: 'a' }, { key: 'a', operator: 'Contains', value: 'a' }] }],
      'spec.rules[0].verifyImages[0].attestations[0].conditions');
    expect(issues).toEqual([{ path: 'spec.rules[0].verifyImages[0].attestations[0].conditions[0].all[1].operator', reason: 'unknown operator "Contains"' }]);
    expect(validateConditions({ any: [{ key: 'a', value: 'b' }] }, 'p')).toEqual([{ path: 'p.any[0].operator', reason: 'is required' }]);
    expect(validateConditions({ any: [{ key: 'a', operator: 'equals' }] }, 'p')[0]!.reason).toBe('unknown operator "equals"');
  });
});
