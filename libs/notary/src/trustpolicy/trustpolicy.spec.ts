import { isNotaryError } from '../errors';
import { parseBlobTrustPolicy } from './blob-policy';
import { isSubsetDistinguishedName, parseDistinguishedName, parseRfc4514 } from './distinguished-name';
import { goQuoteMaps } from './go-format';
import { LEVELS, resolveVerificationLevel } from './levels';
import { parseOciTrustPolicy } from './oci-policy';
import { validateRegistryScope } from './registry-scope';

function policyMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isNotaryError(error, 'ERR_TRUST_POLICY')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected ERR_TRUST_POLICY');
}

const statement = {
  name: 'test-statement-name',
  registryScopes: ['registry.acme-rockets.io/software/net-monitor'],
  signatureVerification: { level: 'strict' },
  trustStores: ['ca:valid-trust-store', 'signingAuthority:valid-trust-store'],
  trustedIdentities: ['x509.subject: C=US, ST=WA, L=Seattle, O=acme-rockets.io, OU=Finance, CN=SecureBuilder'],
};
const document = (overrides: Record<string, unknown> = {}, extra: Array<Record<string, unknown>> = []) => ({
  version: '1.0',
  trustPolicies: [{ ...statement, ...overrides }, ...extra],
});
const validateOci = (value: unknown) => () => parseOciTrustPolicy(value).validate();

describe('verification levels (trustpolicy.go GetVerificationLevel)', () => {
  it('are tables', () => {
    expect(LEVELS.permissive.actions).toEqual({ integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' });
    expect(LEVELS.audit.actions.authenticity).toBe('log');
    expect(resolveVerificationLevel({ level: 'strict' })).toBe(LEVELS.strict);
  });

  it('turn into custom with overrides', () => {
    const level = resolveVerificationLevel({ level: 'strict', override: { revocation: 'skip', authenticity: 'log' } });
    expect(level.name).toBe('custom');
    expect(level.actions).toEqual({ integrity: 'enforce', authenticity: 'log', authenticTimestamp: 'enforce', expiry: 'enforce', revocation: 'skip' });
  });

  it.each([
    [{ level: '' }, 'signature verification level is empty or missing in the trust policy statement'],
    [{ level: 'bogus' }, 'invalid signature verification level "bogus"'],
    [{ level: 'skip', override: { expiry: 'log' } }, `signature verification level "skip" can't be used to customize signature verification`],
    [
      { level: 'strict', override: { nope: 'log' } },
      'verification type "nope" in custom signature verification is not supported, supported values are ["integrity" "authenticity" "authenticTimestamp" "expiry" "revocation"]',
    ],
    [
      { level: 'strict', override: { expiry: 'warn' } },
      'verification action "warn" in custom signature verification is not supported, supported values are ["enforce" "log" "skip"]',
    ],
    [{ level: 'audit', override: { integrity: 'log' } }, '"integrity" verification can not be overridden in custom signature verification'],
    [{ level: 'strict', override: { authenticity: 'skip' } }, '"authenticity" verification can not be skipped in custom signature verification'],
  ])('%j → %s', (config, message) => {
    expect(policyMessage(() => resolveVerificationLevel(config))).toBe(message);
  });
});

describe('distinguished names (go-ldap ParseDN + notation pkix)', () => {
  it('parses RFC 4514 with escapes, spaces and hex bytes', () => {
    expect(parseRfc4514(' CN = a\\,b , O=x\\2By\\c3\\a9 ;C=US')).toEqual([
      [{ type: 'CN', value: 'a,b' }],
      [{ type: 'O', value: 'x+yé' }],
      [{ type: 'C', value: 'US' }],
    ]);
    expect(parseRfc4514('CN=a+O=b')).toEqual([[{ type: 'CN', value: 'a' }, { type: 'O', value: 'b' }]]);
    expect(() => parseRfc4514('CN')).toThrow('DN ended with incomplete type, value pair');
    expect(() => parseRfc4514('CN=a"b')).toThrow("got unescaped character: '\"'");
  });

  it('applies notation rules', () => {
    const dn = parseDistinguishedName('C=US, S=WA, O=Notary, CN=x');
    expect([...dn.entries()]).toEqual([
      ['C', 'US'],
      ['ST', 'WA'],
      ['O', 'Notary'],
      ['CN', 'x'],
    ]);
    expect(policyMessage(() => parseDistinguishedName('CN=a,O=b,ST=c,C=#0101'))).toBe(
      'unsupported distinguished name (DN) "CN=a,O=b,ST=c,C=#0101": notation does not support x509.subject identities containing "=#"',
    );
    expect(policyMessage(() => parseDistinguishedName('CN=a+OU=b,O=o,ST=s,C=c'))).toBe(
      'distinguished name (DN) "CN=a+OU=b,O=o,ST=s,C=c" has multi-valued RDN attributes, remove multi-valued RDN attributes as they are not supported',
    );
    expect(policyMessage(() => parseDistinguishedName('O=a,O=b,ST=s,C=c'))).toBe(
      'distinguished name (DN) "O=a,O=b,ST=s,C=c" has duplicate RDN attribute for "O", DN can only have unique RDN attributes',
    );
    expect(policyMessage(() => parseDistinguishedName('O=a,C=c'))).toBe(
      `distinguished name (DN) "O=a,C=c" has no mandatory RDN attribute for "ST", it must contain 'C', 'ST' or 'S', and 'O' RDN attributes at a minimum`,
    );
  });

  it('matches subsets and prints like Go', () => {
    const leaf = parseDistinguishedName('CN=SomeCN,OU=SomeOU,O=SomeOrg,L=Seattle,ST=WA,C=US');
    expect(isSubsetDistinguishedName(parseDistinguishedName('C=US,O=SomeOrg,ST=WA'), leaf)).toBe(true);
    expect(isSubsetDistinguishedName(parseDistinguishedName('C=US,O=Other,ST=WA'), leaf)).toBe(false);
    expect(goQuoteMaps([parseDistinguishedName('CN=LOL,O=DummyOrg,L=Hyderabad,ST=TG,C=IN')])).toBe(
      '[map["C":"IN" "CN":"LOL" "L":"Hyderabad" "O":"DummyOrg" "ST":"TG"]]',
    );
  });
});

describe('registry scopes (oci_test.go TestValidRegistryScopes / TestInvalidRegistryScopes)', () => {
  it.each(['example.com/rep', 'example.com:8080/rep/rep2', 'example.com/rep/subrep/subsub', '10.10.10.10:8080/rep/rep2', 'domain/rep', 'domain:1234/rep'])(
    'accepts %s',
    (scope) => expect(() => validateRegistryScope(scope)).not.toThrow(),
  );
  it.each(['', '1:1', 'a,b', 'abcd', '1111', '1,2', 'example.com/rep:tag', 'example.com/rep/subrep/sub:latest', 'example.com', 'rep/rep2:latest', 'repository', '10.10.10.10', '10.10.10.10:8080/rep/rep2:latest'])(
    'rejects %j',
    (scope) =>
      expect(policyMessage(() => validateRegistryScope(scope))).toBe(
        `registry scope "${scope}" is not valid, make sure it is a fully qualified repository without the scheme, protocol or tag. For example domain.com/my/repository or a local scope like local/myOCILayout`,
      ),
  );
  it.each(['example.com/*', '*/', 'example*/', 'ex*test'])('rejects wildcard %s', (scope) =>
    expect(policyMessage(() => validateRegistryScope(scope))).toMatch(/^registry scope ".*" with wild card\(s\) is not valid, /),
  );
});

describe('OCI document validation (oci_test.go TestValidateInvalidPolicyDocument)', () => {
  it.each<[string, unknown, string]>([
    ['version', { ...document(), version: 'invalid' }, 'oci trust policy document uses unsupported version "invalid"'],
    ['empty version', { ...document(), version: '' }, 'oci trust policy document has empty version, version must be specified'],
    ['no statements', { version: '1.0', trustPolicies: null }, 'oci trust policy document can not have zero trust policy statements'],
    ['no name', document({ name: '' }), 'oci trust policy: a trust policy statement is missing a name, every statement requires a name'],
    [
      'no scopes',
      document({ registryScopes: null }),
      'oci trust policy statement "test-statement-name" has zero registry scopes, it must specify registry scopes with at least one value',
    ],
    [
      'level',
      document({ signatureVerification: { level: 'invalid' } }),
      'oci trust policy: trust policy statement "test-statement-name" has invalid signatureVerification: invalid signature verification level "invalid"',
    ],
    [
      'verifyTimestamp',
      document({ signatureVerification: { level: 'strict', verifyTimestamp: 'invalid' } }),
      'oci trust policy: trust policy statement "test-statement-name" has invalid signatureVerification: verifyTimestamp must be "always" or "afterCertExpiry", but got "invalid"',
    ],
    [
      'skip with stores',
      document({ signatureVerification: { level: 'skip' } }),
      'oci trust policy: trust policy statement "test-statement-name" is set to skip signature verification but configured with trust stores and/or trusted identities, remove them if signature verification needs to be skipped',
    ],
    [
      'store type',
      document({ trustStores: ['invalid:test-trust-store'] }),
      'oci trust policy: trust policy statement "test-statement-name" uses an unsupported trust store type "invalid" in trust store value "invalid:test-trust-store"',
    ],
    [
      'no identity value',
      document({ trustedIdentities: ['x509.subject:'] }),
      'oci trust policy: trust policy statement "test-statement-name" has trusted identity "x509.subject:" without an identity value',
    ],
    [
      'same name',
      document({}, [{ ...statement, registryScopes: ['registry.acme-rockets.io/software/legacy/metrics'] }]),
      'multiple oci trust policy statements use the same name "test-statement-name", statement names must be unique',
    ],
    ['wrong JSON type', { version: 1 }, 'malformed trust policy. To create a trust policy, see: https://notaryproject.dev/docs/quickstart/#create-a-trust-policy'],
  ])('%s', (_what, value, message) => {
    expect(policyMessage(validateOci(value))).toBe(message);
  });

  it('accepts plugin identities and reads field names case-insensitively like Go', () => {
    expect(validateOci(document({ trustedIdentities: ['x509.subject: C=US, ST=WA, O=Acme', 'plugin:some-identity'] }))).not.toThrow();
    const parsed = parseOciTrustPolicy('{"Version":"1.0","TrustPolicies":[{"NAME":"x","registryscopes":["*"],"signatureVerification":{"level":"skip"}}]}');
    expect(parsed.trustPolicies[0]?.name).toBe('x');
    expect(() => parsed.validate()).not.toThrow();
  });
});

describe('statement selection', () => {
  const policy = parseOciTrustPolicy(
    document({}, [{ name: 'wildcard', registryScopes: ['*'], signatureVerification: { level: 'skip' }, trustStores: [], trustedIdentities: [] }]),
  );

  it('prefers an exact repository match over *', () => {
    expect(policy.applicableStatement('registry.acme-rockets.io/software/net-monitor@sha256:abc').name).toBe('test-statement-name');
    expect(policy.applicableStatement('other.io/repo@sha256:abc').name).toBe('wildcard');
  });

  it('reports references it cannot place', () => {
    const exactOnly = parseOciTrustPolicy(document());
    expect(() => exactOnly.applicableStatement('non.existing.scope/repo@sha256:hash')).toThrow(
      'artifact "non.existing.scope/repo@sha256:hash" has no applicable oci trust policy statement. Trust policy applicability for a given artifact is determined by registryScopes. To create a trust policy, see: https://notaryproject.dev/docs/quickstart/#create-a-trust-policy',
    );
    for (const reference of ['', 'invaliduri', 'domain.com/repository', 'repository@sha256:digest']) {
      try {
        exactOnly.applicableStatement(reference);
        throw new Error(`accepted ${reference}`);
      } catch (error) {
        expect(isNotaryError(error, 'ERR_NO_APPLICABLE_POLICY')).toBe(true);
      }
    }
  });

  it('chooses blob statements by name or the global one', () => {
    const blob = parseBlobTrustPolicy({
      version: '1.0',
      trustPolicies: [
        { name: 'named', signatureVerification: { level: 'strict' }, trustStores: ['ca:x'], trustedIdentities: ['*'] },
        { name: 'global', globalPolicy: true, signatureVerification: { level: 'audit' }, trustStores: ['ca:x'], trustedIdentities: ['*'] },
      ],
    });
    blob.validate();
    expect(blob.applicableStatement('named').name).toBe('named');
    expect(blob.applicableStatement().name).toBe('global');
    expect(() => blob.applicableStatement('missing')).toThrow('no applicable blob trust policy with name "missing"');
  });

  it('refuses a global skip statement (spec), and two global statements', () => {
    const statementOf = (name: string, level: string, extra: object = {}) => ({
      name,
      globalPolicy: true,
      signatureVerification: { level },
      ...(level === 'skip' ? {} : { trustStores: ['ca:x'], trustedIdentities: ['*'] }),
      ...extra,
    });
    expect(policyMessage(() => parseBlobTrustPolicy({ version: '1.0', trustPolicies: [statementOf('a', 'skip')] }).validate())).toBe(
      'global blob trust policy statement cannot have verification level set to skip',
    );
    expect(
      policyMessage(() => parseBlobTrustPolicy({ version: '1.0', trustPolicies: [statementOf('a', 'strict'), statementOf('b', 'audit')] }).validate()),
    ).toBe('multiple blob trust policy statements have globalPolicy set to true. Only one trust policy statement can be marked as global policy');
  });
});
