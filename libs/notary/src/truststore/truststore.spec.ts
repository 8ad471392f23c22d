import { mkdtempSync, mkdirSync, copyFileSync, symlinkSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNotaryError } from '../errors';
import { notationGoPath } from '../conformance/vectors';
import { DirectoryTrustStore } from './directory-trust-store';
import { MemoryTrustStore } from './memory-trust-store';

const NOTATION_GO = notationGoPath('truststores/notation-go');
const STORE_DIR = join(NOTATION_GO, 'truststore/x509');

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(isNotaryError(error, 'ERR_TRUST_STORE')).toBe(true);
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('DirectoryTrustStore (notation-go truststore_test.go)', () => {
  const store = new DirectoryTrustStore(NOTATION_GO);

  it('loads every certificate of a valid store, PEM and DER, in file-name order', async () => {
    const certificates = await store.getCertificates('ca', 'valid-trust-store');
    const subjects = certificates.map((certificate) => certificate.subject);
    expect(subjects).toContain('CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US');
    expect(certificates.length).toBeGreaterThanOrEqual(6);
    // GlobalSign.der (DER) comes before GlobalSignRootCA.crt: sorted like Go's os.ReadDir.
    expect(subjects[0]).toBe(subjects[1]);
  });

  it('accepts a self-signed signing (non-CA) certificate', async () => {
    await expect(store.getCertificates('ca', 'valid-trust-store-self-signed')).resolves.toHaveLength(1);
  });

  it('rejects a leaf certificate that is neither CA nor self-signed', async () => {
    const error = await failure(store.getCertificates('ca', 'trust-store-with-leaf-certs'));
    expect(error.message).toBe('failed to validate the trusted certificate non-ca.crt in trust store trust-store-with-leaf-certs of type ca');
    const single = await failure(store.getCertificates('ca', 'trust-store-with-leaf-certs-in-single-file'));
    expect(single.message).toBe(
      'failed to validate the trusted certificate RootAndLeafCerts.crt in trust store trust-store-with-leaf-certs-in-single-file of type ca',
    );
  });

  it('requires tsa stores to hold root CAs only', async () => {
    await expect(store.getCertificates('tsa', 'test-timestamp')).resolves.toHaveLength(1);
    const nonCa = await failure(store.getCertificates('tsa', 'test-nonCA'));
    expect(nonCa.message).toBe(
      'trusted certificate wabbit-networks.io.crt in trust store test-nonCA of type tsa is invalid: certificate with subject "CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US" is not a root CA certificate: x509: invalid signature: parent certificate cannot sign this kind of certificate',
    );
    const nonRoot = await failure(store.getCertificates('tsa', 'test-nonSelfIssued'));
    expect(nonRoot.message).toMatch(/^trusted certificate nonSelfIssued\.crt in trust store test-nonSelfIssued of type tsa is invalid: certificate with subject ".*" is not a root CA certificate: /);
  });

  it('reports a missing store, a bad name and a bad type', async () => {
    expect((await failure(store.getCertificates('tsa', 'does-not-exist'))).message).toBe('the trust store "does-not-exist" of type "tsa" does not exist');
    expect((await failure(store.getCertificates('ca', 'bad/name'))).message).toBe(
      'trust store name needs to follow [a-zA-Z0-9_.-]+ format, bad/name is invalid',
    );
    expect((await failure(store.getCertificates('bogus' as 'ca', 'x'))).message).toBe('unsupported trust store type: bogus');
  });

  describe('on a scratch config root', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'truststore-'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const storePath = (name: string): string => {
      const path = join(root, 'truststore/x509/ca', name);
      mkdirSync(path, { recursive: true });
      return path;
    };

    it('rejects sub-directories and symlinks inside a store', async () => {
      const withDir = storePath('with-dir');
      copyFileSync(join(STORE_DIR, 'ca/valid-trust-store/NotationTestRoot.pem'), join(withDir, 'root.pem'));
      mkdirSync(join(withDir, 'nested'));
      const scratch = new DirectoryTrustStore(root);
      expect((await failure(scratch.getCertificates('ca', 'with-dir'))).message).toBe(
        'trusted certificate nested in trust store with-dir of type ca is not a regular file (directories or symlinks are not supported)',
      );
      const withLink = storePath('with-link');
      symlinkSync(join(STORE_DIR, 'ca/valid-trust-store/NotationTestRoot.pem'), join(withLink, 'link.pem'));
      expect((await failure(scratch.getCertificates('ca', 'with-link'))).message).toBe(
        'trusted certificate link.pem in trust store with-link of type ca is not a regular file (directories or symlinks are not supported)',
      );
    });

    it('rejects a store that is a symlink, an empty store and an unreadable file', async () => {
      mkdirSync(join(root, 'truststore/x509/ca'), { recursive: true });
      symlinkSync(join(STORE_DIR, 'ca/valid-trust-store'), join(root, 'truststore/x509/ca/linked'));
      const scratch = new DirectoryTrustStore(root);
      expect((await failure(scratch.getCertificates('ca', 'linked'))).message).toMatch(
        /^the trust store linked of type ca with path .* is not a regular directory \(symlinks are not supported\)$/,
      );
      storePath('empty');
      expect((await failure(scratch.getCertificates('ca', 'empty'))).message).toBe('no x509 certificates were found in trust store "empty" of type "ca"');
      writeFileSync(join(storePath('garbage'), 'junk.pem'), 'not a certificate');
      expect((await failure(scratch.getCertificates('ca', 'garbage'))).message).toBe(
        'failed to read the trusted certificate junk.pem in trust store garbage of type ca',
      );
    });
  });
});

describe('MemoryTrustStore', () => {
  const rootPem = readFileSync(join(STORE_DIR, 'ca/valid-trust-store/NotationTestRoot.pem'), 'utf8');

  it('serves PEM entries by type and name', async () => {
    const store = new MemoryTrustStore().add('ca', 'policy', { label: 'certs', certificates: rootPem });
    const certificates = await store.getCertificates('ca', 'policy');
    expect(certificates.map((certificate) => certificate.subject)).toEqual(['CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US']);
    expect((await failure(store.getCertificates('signingAuthority', 'policy'))).message).toBe(
      'the trust store "policy" of type "signingAuthority" does not exist',
    );
  });

  it('applies the directory store rules to each entry', async () => {
    const leaf = readFileSync(join(STORE_DIR, 'ca/trust-store-with-leaf-certs/non-ca.crt'));
    const store = new MemoryTrustStore()
      .add('ca', 'leaf', { label: 'entry-1', certificates: leaf })
      .add('tsa', 'nonca', { label: 'tsa-entry', certificates: readFileSync(join(STORE_DIR, 'tsa/test-nonCA/wabbit-networks.io.crt')) })
      .add('ca', 'junk', { label: 'junk', certificates: 'nothing here' });
    expect((await failure(store.getCertificates('ca', 'leaf'))).message).toBe('failed to validate the trusted certificate entry-1 in trust store leaf of type ca');
    expect((await failure(store.getCertificates('tsa', 'nonca'))).message).toMatch(/^trusted certificate tsa-entry in trust store nonca of type tsa is invalid: /);
    expect((await failure(store.getCertificates('ca', 'junk'))).message).toBe('failed to read the trusted certificate junk in trust store junk of type ca');
  });

  it('refuses a bad type or name up front', () => {
    expect(() => new MemoryTrustStore().add('ca', 'no spaces', { label: 'x', certificates: rootPem })).toThrow(TypeError);
    expect(() => new MemoryTrustStore().add('nope' as 'ca', 'x', { label: 'x', certificates: rootPem })).toThrow(TypeError);
  });
});
