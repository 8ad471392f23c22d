import { readFileSync } from 'node:fs';
import { type Descriptor, type FetchedManifest, OciError, OciLayoutRepository, type Repository } from '@notary-gate/oci';
import { notationGoPath } from '../conformance/vectors';
import { isNotaryError, NotaryError } from '../errors';
import type { CertRevocationResult, RevocationChecker } from '../revocation';
import { parseBlobTrustPolicy } from '../trustpolicy/blob-policy';
import { parseOciTrustPolicy } from '../trustpolicy/oci-policy';
import type { TrustPolicyStatement } from '../trustpolicy/statement';
import { DirectoryTrustStore } from '../truststore/directory-trust-store';
import { buildCertificate, codeSigningLeafSpec } from '../x509/builder';
import { trustedIdentityError } from './trusted-identity';
import { verifyArtifact } from './verify-artifact';
import { verifyBlob } from './verify-blob';
import { verifySignature, type VerifySignatureOptions } from './verify-signature';

const NOW = new Date('2026-11-24T12:00:00Z');
const MOCK_REFERENCE = 'registry.acme-rockets.io/software/net-monitor@sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e';
const E2E_DIGEST = 'sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9';

const read = (path: string): Buffer => readFileSync(notationGoPath(path));
const policy = (path: string) => parseOciTrustPolicy(read(path));

function mockOptions(overrides: Partial<VerifySignatureOptions> = {}): VerifySignatureOptions {
  return {
    envelope: read('envelopes/notation-go/mock/ca_valid_sig_env.json'),
    signatureMediaType: 'application/jose+json',
    targetDescriptor: JSON.parse(read('targets/notation-go-mock-ImageDescriptor.json').toString()) as Descriptor,
    trustPolicy: policy('policies/notation-go/dummy-strict.json'),
    artifactReference: MOCK_REFERENCE,
    trustStore: new DirectoryTrustStore(notationGoPath('truststores/notation-go')),
    now: NOW,
    ...overrides,
  };
}

/** A revocation port answering `status` for the leaf and OK for the rest. */
function leafStatus(status: CertRevocationResult['status']): RevocationChecker {
  return { check: async (chain) => chain.map((_, index) => ({ status: index === 0 ? status : 'nonRevokable' })) };
}

describe('trusted identities (verifier_test.go TestVerifyX509TrustedIdentities)', () => {
  const leaf = buildCertificate(codeSigningLeafSpec({ subject: { C: 'US', ST: 'WA', L: 'Seattle', O: 'SomeOrg', OU: 'SomeOU', CN: 'SomeCN' } })).certificate;
  const check = (identities: string[]) => trustedIdentityError('test-statement-name', identities, [leaf]);

  it.each([
    [['x509.subject:C=US,O=SomeOrg,ST=WA']],
    [['x509.subject:C=US,O=SomeOrg,ST=WA', 'nonX509Prefix:my-custom-identity']],
    [['x509.subject:C=US,O=SomeOrg,ST=WA', 'x509.subject:C=IND,O=SomeOrg,ST=TS']],
    [['*']],
  ])('accepts %j', (identities) => expect(check(identities)).toBeNull());

  it('rejects what does not match the leaf', () => {
    expect(check(['nonX509Prefix:my-custom-identity'])?.message).toBe('no x509 trusted identities are configured in the trust policy "test-statement-name"');
    const mismatch = check(['x509.subject:C=IND,O=SomeOrg,ST=TS', 'x509.subject:C=LOL,O=LOL,ST=LOL']);
    expect(isNotaryError(mismatch, 'ERR_TRUSTED_IDENTITY')).toBe(true);
    expect(mismatch?.message).toBe(
      'signing certificate from the digital signature does not match the X.509 trusted identities [map["C":"IND" "O":"SomeOrg" "ST":"TS"] map["C":"LOL" "O":"LOL" "ST":"LOL"]] defined in the trust policy "test-statement-name"',
    );
    expect(check(['x509.subject:C=US,O=#1234,ST=WA'])?.message).toBe(
      'unsupported distinguished name (DN) "C=US,O=#1234,ST=WA": notation does not support x509.subject identities containing "=#"',
    );
  });

  it('cannot match a leaf whose subject Go prints with =#', () => {
    const emailLeaf = buildCertificate(
      codeSigningLeafSpec({ subject: [['C', 'US'], ['ST', 'WA'], ['O', 'SomeOrg'], ['emailAddress', 'a@b.c']] }),
    ).certificate;
    const error = trustedIdentityError('p', ['x509.subject:C=US,O=SomeOrg,ST=WA'], [emailLeaf]);
    // Go prints attributes it has no short name for last: `O=SomeOrg,ST=WA,C=US,1.2.840.113549.1.9.1=#…`.
    expect(error?.message).toMatch(/^error while parsing the certificate subject from the digital signature\. error : "unsupported distinguished name \(DN\) \\"O=SomeOrg,ST=WA,C=US,1\.2\.840\.113549\.1\.9\.1=#[0-9a-f]+\\": notation does not support/);
  });
});

describe('verifySignature', () => {
  it('fails a signature that needs a verification plugin (no plugin support)', async () => {
    const outcome = await verifySignature(mockOptions({ envelope: read('envelopes/notation-go/mock/ca_plugin_sig_env.json') }));
    expect(outcome.results.map((result) => result.type)).toEqual(['integrity']);
    expect(isNotaryError(outcome.error, 'ERR_PLUGIN_REQUIRED')).toBe(true);
    expect(outcome.error?.message).toBe(
      'error while locating the verification plugin "plugin-name", make sure the plugin is installed successfully before verifying the signature. error: plugin not found',
    );
  });

  it('enforces, logs or skips revocation per the level (TestVerifyRevocationEnvelope)', async () => {
    const revoked = await verifySignature(mockOptions({ revocation: leafStatus('revoked') }));
    expect(isNotaryError(revoked.error, 'ERR_REVOKED')).toBe(true);
    expect(revoked.error?.message).toBe('signing certificate with subject "CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US" is revoked');

    const logged = await verifySignature(mockOptions({ trustPolicy: policy('policies/notation-go/dummy-permissive.json'), revocation: leafStatus('revoked') }));
    expect(logged.error).toBeNull();
    expect(logged.results.at(-1)).toMatchObject({ type: 'revocation', action: 'log' });
    expect(logged.results.at(-1)?.error?.message).toMatch(/is revoked$/);

    const skipped = await verifySignature(
      mockOptions({ trustPolicy: policy('policies/notation-go/dummy-strict-revocation-skip.json'), revocation: leafStatus('revoked') }),
    );
    expect(skipped.error).toBeNull();
    expect(skipped.results.map((result) => result.type)).toEqual(['integrity', 'authenticity', 'expiry', 'authenticTimestamp']);

    const unknown = await verifySignature(mockOptions({ revocation: leafStatus('unknown') }));
    expect(unknown.error?.message).toBe('signing certificate with subject "CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US" revocation status is unknown');

    const broken = await verifySignature(
      mockOptions({
        revocation: {
          check: async () => {
            throw new NotaryError('ERR_INCONCLUSIVE', 'OCSP responder timed out');
          },
        },
      }),
    );
    expect(broken.error?.message).toBe('unable to check revocation status, err: OCSP responder timed out');
    expect(broken.error?.inconclusive).toBe(true);
  });

  it('uses a statement directly (the admission path) and reports trust store problems in authenticity', async () => {
    const statement: TrustPolicyStatement = {
      name: 'admission',
      signatureVerification: { level: 'strict' },
      trustStores: ['ca:does-not-exist'],
      trustedIdentities: ['*'],
    };
    const outcome = await verifySignature(mockOptions({ trustPolicy: statement }));
    expect(outcome.results.map((result) => [result.type, result.error?.message ?? null])).toEqual([
      ['integrity', null],
      ['authenticity', 'the trust store "does-not-exist" of type "ca" does not exist'],
    ]);
    expect(isNotaryError(outcome.error, 'ERR_TRUST_STORE')).toBe(true);
  });

  it('needs an applicable statement', async () => {
    await expect(verifySignature(mockOptions({ artifactReference: 'other.io/repo@sha256:abc' }))).rejects.toMatchObject({
      code: 'ERR_NO_APPLICABLE_POLICY',
    });
  });
});

describe('verifyBlob', () => {
  const blobOptions = {
    blob: read('blobs/example-blob.txt'),
    envelope: read('envelopes/notation-go/examples/example_verifyBlob.jws.sig'),
    signatureMediaType: 'application/jose+json',
    trustStore: new DirectoryTrustStore(notationGoPath('truststores/examples')),
    now: NOW,
  };

  it('needs a named or global statement', async () => {
    const document = parseBlobTrustPolicy(read('policies/notation-go/example-blob.json'));
    await expect(verifyBlob({ ...blobOptions, trustPolicy: document })).rejects.toThrow('no global blob trust policy');
    await expect(verifyBlob({ ...blobOptions, trustPolicy: document, trustPolicyName: 'test-statement-name' })).resolves.toMatchObject({ error: null });
  });
});

describe('verifyArtifact (notation.Verify)', () => {
  const e2eOptions = (layout: string, overrides: Partial<Parameters<typeof verifyArtifact>[0]> = {}): Parameters<typeof verifyArtifact>[0] => ({
    repository: new OciLayoutRepository(notationGoPath(`oci-layouts/${layout}`)),
    digest: E2E_DIGEST,
    artifactReference: `localhost:5000/e2e@${E2E_DIGEST}`,
    trustPolicy: policy('policies/notation-e2e/trustpolicy.json'),
    trustStore: new DirectoryTrustStore(notationGoPath('truststores/e2e')),
    now: NOW,
    maxSignatureAttempts: 50,
    ...overrides,
  });

  it('words the no-signature error for the admission path', async () => {
    const result = await verifyArtifact(e2eOptions('e2e', { noun: 'image' }));
    expect(isNotaryError(result.error, 'ERR_NO_SIGNATURE')).toBe(true);
    expect(result.error?.message).toBe(`no signature is associated with "localhost:5000/e2e@${E2E_DIGEST}", make sure the image was signed successfully`);
  });

  it('stops at the attempt limit', async () => {
    const result = await verifyArtifact(
      e2eOptions('e2e-valid-signature', { maxSignatureAttempts: 1, trustStore: new DirectoryTrustStore(notationGoPath('truststores/e2e-new')) }),
    );
    expect(result.attempts).toHaveLength(1);
    expect(isNotaryError(result.error, 'ERR_TOO_MANY_SIGNATURES')).toBe(true);
    expect(result.error?.message).toBe('signature evaluation stopped. The configured limit of 1 signatures to verify per artifact exceeded');
    await expect(verifyArtifact(e2eOptions('e2e', { maxSignatureAttempts: 0 }))).rejects.toThrow(TypeError);
  });

  it('does not touch the registry at level skip', async () => {
    const untouchable: Repository = new Proxy({} as Repository, {
      get: (_target, property) => (property === 'name' ? 'untouchable' : () => Promise.reject(new Error(`unexpected ${String(property)}`))),
    });
    const result = await verifyArtifact(e2eOptions('e2e', { repository: untouchable, trustPolicy: policy('policies/notation-e2e/skip_trustpolicy.json') }));
    expect(result.error).toBeNull();
    expect(result.outcome?.level.name).toBe('skip');
  });

  /** The e2e layout plus one extra referrer whose content cannot be read, failing as `failure` says. */
  function withBrokenReferrer(failure: Error): Repository {
    const layout = new OciLayoutRepository(notationGoPath('oci-layouts/e2e-valid-signature'));
    const broken: Descriptor = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${'0'.repeat(64)}`,
      size: 100,
      artifactType: 'application/vnd.cncf.notary.signature',
    };
    return {
      name: layout.name,
      resolve: (reference) => layout.resolve(reference),
      referrers: async (digest, options) => [broken, ...(await layout.referrers(digest, options))],
      fetchManifest: (target): Promise<FetchedManifest> =>
        typeof target !== 'string' && target.digest === broken.digest ? Promise.reject(failure) : layout.fetchManifest(target),
      fetchBlob: (descriptor, max) => layout.fetchBlob(descriptor, max),
      pushBlob: () => Promise.reject(new Error('read-only')),
      pushManifest: () => Promise.reject(new Error('read-only')),
    };
  }

  it('keeps trying after an unreadable signature, and verifies the good one', async () => {
    const result = await verifyArtifact(e2eOptions('e2e', { repository: withBrokenReferrer(new OciError('ERR_NOT_FOUND', 'manifest unknown')) }));
    expect(result.error).toBeNull();
    expect(result.attempts.map((attempt) => attempt.error?.code ?? null)).toEqual(['ERR_SIGNATURE_RETRIEVAL', null]);
    expect(result.attempts[0]?.error?.message).toBe(
      `unable to retrieve digital signature with digest "sha256:${'0'.repeat(64)}" associated with "localhost:5000/e2e@${E2E_DIGEST}" from the Repository, error : manifest unknown`,
    );
  });

  it('is inconclusive, not failed, when a signature could not be fetched and none verified', async () => {
    const result = await verifyArtifact(
      e2eOptions('e2e', {
        repository: withBrokenReferrer(new OciError('ERR_UNREACHABLE', 'connection reset')),
        trustStore: new DirectoryTrustStore(notationGoPath('truststores/e2e-new')),
      }),
    );
    expect(result.error?.inconclusive).toBe(true);
    expect(result.attempts).toHaveLength(2);
  });

  it('joins every failure as notation does', async () => {
    const result = await verifyArtifact(
      e2eOptions('e2e', {
        repository: withBrokenReferrer(new OciError('ERR_NOT_FOUND', 'manifest unknown')),
        trustStore: new DirectoryTrustStore(notationGoPath('truststores/e2e-new')),
      }),
    );
    expect(isNotaryError(result.error, 'ERR_VERIFICATION_FAILED')).toBe(true);
    expect(result.error?.message.split('\n')).toEqual([
      'signature verification failed',
      `failed to verify signature with digest sha256:${'0'.repeat(64)}, unable to retrieve digital signature with digest "sha256:${'0'.repeat(64)}" associated with "localhost:5000/e2e@${E2E_DIGEST}" from the Repository, error : manifest unknown`,
      "failed to verify signature with digest sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f, the signature's certificate chain does not contain any trusted certificate",
    ]);
  });
});
