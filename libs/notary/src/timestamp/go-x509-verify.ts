/**
 * Go's `(*x509.Certificate).Verify` as tspclient-go calls it for the TSA
 * signing certificate (reference §9 step 7): roots = the `tsa` trust store,
 * intermediates = the token's certificates, CurrentTime = genTime,
 * KeyUsages = [timeStamping]. Chains are built depth-first the way
 * `buildChains` does (roots before intermediates, candidates ordered by key
 * identifier match), and failures carry Go's error strings, e.g.
 * `x509: certificate signed by unknown authority`.
 *
 * Scope: name constraints and certificate policies are not evaluated (Go
 * checks them only against SANs / policy OIDs, which TSA chains do not use).
 */
import { X509Certificate as PeculiarCertificate } from '@peculiar/x509';
import type { Certificate } from '../x509/certificate';
import { goQuote } from '../x509/go-quote';
import { checkSignatureFrom, goView } from '../x509/go-view';
import { formatRfc3339 } from '../x509/time-format';

const MAX_CHAIN_SIGNATURE_CHECKS = 100;

/** Critical extensions Go's parser handles; any other critical one makes `Verify` fail. */
const HANDLED_EXTENSIONS = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.17', // subjectAltName (when it holds a name type Go understands)
  '2.5.29.19', // basicConstraints
  '2.5.29.30', // nameConstraints
  '2.5.29.31', // cRLDistributionPoints
  '2.5.29.32', // certificatePolicies
  '2.5.29.33', // policyMappings
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.36', // policyConstraints
  '2.5.29.37', // extKeyUsage
  '2.5.29.54', // inhibitAnyPolicy
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
]);

/** A `crypto/x509` verification error (its message is Go's). */
export class GoX509Error extends Error {
  override readonly name = 'GoX509Error';
}

export interface GoVerifyOptions {
  roots: readonly Certificate[];
  intermediates: readonly Certificate[];
  currentTime: Date;
  /** Required extended key usage (OID); Go's default for tspclient is timeStamping. */
  keyUsage: string;
}

type CertType = 'leaf' | 'intermediate' | 'root';

interface KeyIds {
  subjectKeyId: string;
  authorityKeyId: string;
  subjectAltName?: string;
}

const keyIdMemo = new WeakMap<Certificate, KeyIds>();

function keyIds(certificate: Certificate): KeyIds {
  let ids = keyIdMemo.get(certificate);
  if (!ids) {
    ids = { subjectKeyId: '', authorityKeyId: '' };
    for (const extension of certificate.parsed.extensions) {
      const value = Buffer.from(extension.value);
      if (extension.type === '2.5.29.14') ids.subjectKeyId = (extension as unknown as { keyId: string }).keyId ?? '';
      if (extension.type === '2.5.29.35') ids.authorityKeyId = (extension as unknown as { keyId?: string }).keyId ?? '';
      if (extension.type === '2.5.29.17') ids.subjectAltName = value.toString('hex');
    }
    keyIdMemo.set(certificate, ids);
  }
  return ids;
}

/**
 * Verify `leaf` like Go's `Certificate.Verify` and return the chains found
 * (leaf first, root last). Throws GoX509Error with Go's message.
 */
export function goVerify(leaf: Certificate, options: GoVerifyOptions): Certificate[][] {
  const invalid = isValid(leaf, 'leaf', [], options);
  if (invalid) throw new GoX509Error(invalid);

  let candidates: Certificate[][];
  if (options.roots.some((root) => root.equals(leaf))) {
    candidates = [[leaf]];
  } else {
    const result = buildChains([leaf], { count: 0 }, options);
    if (result.error !== null) throw new GoX509Error(result.error);
    candidates = result.chains;
  }

  const chains = candidates.filter((chain) => chainAllowsKeyUsage(chain, options.keyUsage));
  if (chains.length === 0) throw new GoX509Error('x509: certificate specifies an incompatible key usage');
  return chains;
}

/** Go `isValid`: critical extensions, validity at CurrentTime, CA-ness of intermediates, path length. */
function isValid(certificate: Certificate, type: CertType, chain: readonly Certificate[], options: GoVerifyOptions): string | null {
  if (hasUnhandledCriticalExtension(certificate)) return 'x509: unhandled critical extension';
  const child = chain[chain.length - 1];
  if (child && !child.rawIssuer.equals(certificate.rawSubject)) return 'x509: issuer name does not match subject from issuing certificate';

  const now = options.currentTime;
  if (now.getTime() < certificate.notBefore.getTime()) {
    return `x509: certificate has expired or is not yet valid: current time ${formatRfc3339(now)} is before ${formatRfc3339(certificate.notBefore)}`;
  }
  if (now.getTime() > certificate.notAfter.getTime()) {
    return `x509: certificate has expired or is not yet valid: current time ${formatRfc3339(now)} is after ${formatRfc3339(certificate.notAfter)}`;
  }
  const view = goView(certificate);
  if (type === 'intermediate' && (!view.basicConstraintsValid || !view.isCA)) {
    return 'x509: certificate is not authorized to sign other certificates';
  }
  if (view.basicConstraintsValid && view.maxPathLen >= 0 && chain.length - 1 > view.maxPathLen) {
    return 'x509: too many intermediates for path length constraint';
  }
  return null;
}

function hasUnhandledCriticalExtension(certificate: Certificate): boolean {
  return goView(certificate).extensions.some((extension) => {
    if (!extension.critical) return false;
    if (extension.id === '2.5.29.17') return !subjectAltNameHandled(certificate.parsed);
    return !HANDLED_EXTENSIONS.has(extension.id);
  });
}

/** Go treats a SAN with no DNS, email, IP or URI name as unhandled. */
function subjectAltNameHandled(certificate: PeculiarCertificate): boolean {
  const extension = certificate.extensions.find((candidate) => candidate.type === '2.5.29.17') as unknown as
    | { names?: { items?: Array<{ type: string }> } }
    | undefined;
  const types = extension?.names?.items?.map((item) => item.type) ?? [];
  return types.some((type) => type === 'dns' || type === 'email' || type === 'ip' || type === 'url');
}

interface BuildResult {
  chains: Certificate[][];
  error: string | null;
}

/**
 * Go `buildChains`, including its quirks: a candidate's `isValid` failure is
 * remembered as the result error (it overwrites the named return), and
 * without chains and without such an error the result is an
 * UnknownAuthorityError carrying the first candidate's failure as a hint.
 */
function buildChains(chain: Certificate[], signatureChecks: { count: number }, options: GoVerifyOptions): BuildResult {
  const child = chain[chain.length - 1]!;
  const chains: Certificate[][] = [];
  let error: string | null = null;
  let hint: { error: string; certificate: Certificate } | undefined;

  const consider = (type: 'root' | 'intermediate', candidate: Certificate): void => {
    if (alreadyInChain(candidate, chain)) return;
    signatureChecks.count++;
    if (signatureChecks.count > MAX_CHAIN_SIGNATURE_CHECKS) {
      error = 'x509: signature check attempts limit reached while verifying certificate chain';
      return;
    }
    const signatureError = checkSignatureFrom(child, candidate);
    if (signatureError !== null) {
      hint ??= { error: signatureError, certificate: candidate };
      return;
    }
    error = isValid(candidate, type, chain, options);
    if (error !== null) {
      hint ??= { error, certificate: candidate };
      return;
    }
    if (type === 'root') {
      chains.push([...chain, candidate]);
    } else {
      const deeper = buildChains([...chain, candidate], signatureChecks, options);
      error = deeper.error;
      chains.push(...deeper.chains);
    }
  };

  for (const root of potentialParents(child, options.roots)) consider('root', root);
  for (const intermediate of potentialParents(child, options.intermediates)) consider('intermediate', intermediate);

  if (chains.length > 0) return { chains, error: null };
  return { chains, error: error ?? unknownAuthority(hint) };
}

/** Go `UnknownAuthorityError.Error()`. */
function unknownAuthority(hint: { error: string; certificate: Certificate } | undefined): string {
  const message = 'x509: certificate signed by unknown authority';
  if (!hint) return message;
  const name = hint.certificate.parsed.subjectName;
  const commonName = name.getField('CN')[0];
  const organization = name.getField('O')[0];
  const label = commonName || organization || `serial:${BigInt(`0x${hint.certificate.parsed.serialNumber || '0'}`).toString()}`;
  return `${message} (possibly because of ${goQuote(hint.error)} while trying to verify candidate authority certificate ${goQuote(label)})`;
}

/**
 * Go `CertPool.findPotentialParents`: pool certificates whose raw subject is
 * the child's raw issuer, those whose subject key id matches the child's
 * authority key id first, then those where only one side has an id, then the rest.
 */
function potentialParents(child: Certificate, pool: readonly Certificate[]): Certificate[] {
  const matching: Certificate[] = [];
  const oneKeyId: Certificate[] = [];
  const mismatching: Certificate[] = [];
  const seen = new Set<string>();
  const childIds = keyIds(child);
  for (const candidate of pool) {
    if (seen.has(candidate.sha256Fingerprint)) continue; // a CertPool holds each certificate once
    seen.add(candidate.sha256Fingerprint);
    if (!candidate.rawSubject.equals(child.rawIssuer)) continue;
    const candidateIds = keyIds(candidate);
    if (candidateIds.subjectKeyId === childIds.authorityKeyId) matching.push(candidate);
    else if ((candidateIds.subjectKeyId === '') !== (childIds.authorityKeyId === '')) oneKeyId.push(candidate);
    else mismatching.push(candidate);
  }
  return [...matching, ...oneKeyId, ...mismatching];
}

/** Go `alreadyInChain`: same subject, same public key and same SAN as a certificate already in the chain. */
function alreadyInChain(candidate: Certificate, chain: readonly Certificate[]): boolean {
  const candidateKey = Buffer.from(candidate.parsed.publicKey.rawData);
  return chain.some(
    (certificate) =>
      certificate.rawSubject.equals(candidate.rawSubject) &&
      Buffer.from(certificate.parsed.publicKey.rawData).equals(candidateKey) &&
      keyIds(certificate).subjectAltName === keyIds(candidate).subjectAltName,
  );
}

/**
 * Go `checkChainForKeyUsage` for one requested usage: every certificate that
 * states EKUs must include it (or anyExtendedKeyUsage).
 */
function chainAllowsKeyUsage(chain: readonly Certificate[], keyUsage: string): boolean {
  return chain.every((certificate) => {
    const view = goView(certificate);
    if (view.extKeyUsage.length === 0 && view.unknownExtKeyUsage.length === 0) return true;
    if (view.extKeyUsage.includes('Any')) return true;
    return view.extKeyUsage.includes(GO_EKU_NAMES[keyUsage] ?? ('' as never));
  });
}

const GO_EKU_NAMES: Record<string, ReturnType<typeof goView>['extKeyUsage'][number]> = {
  '1.3.6.1.5.5.7.3.8': 'Timestamping',
  '1.3.6.1.5.5.7.3.3': 'CodeSigning',
};
