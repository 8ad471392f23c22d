/**
 * Signs an artifact in a repository as `notation sign` does (notation-go
 * `notation.Sign` → `registry.PushSignature`): the payload names the
 * subject manifest (plus the user metadata as its annotations), the envelope
 * is pushed as a blob, and a signature manifest (reference §2) with the
 * subject is pushed so the signature becomes a referrer of the artifact.
 */
import type { KeyObject } from 'node:crypto';
import type { Descriptor, Repository } from '@notary-gate/oci';
import { buildPayload } from '../envelope/payload';
import { signEnvelope, type EnvelopeFormat } from '../envelope/sign';
import type { EnvelopeMediaType } from '../types';
import type { Certificate } from '../x509/certificate';
import { pushPackedManifest } from './pack-manifest';
import { buildSignatureManifest } from './signature-manifest';
import { addUserMetadata } from './user-metadata';

/** `io.cncf.notary.signingAgent` written unless the caller names another agent. */
export const DEFAULT_SIGNING_AGENT = 'notary-gate/0.1.0';

const ENVELOPE_MEDIA_TYPES: Record<EnvelopeFormat, EnvelopeMediaType> = {
  jws: 'application/jose+json',
  cose: 'application/cose',
};

export interface SignArtifactOptions {
  repository: Repository;
  /** The manifest to sign (as resolved from the repository: mediaType, digest, size). */
  subject: Descriptor;
  /** The private key of `certificateChain[0]`: RSA 2048/3072/4096 or ECDSA P-256/384/521. */
  key: KeyObject;
  /** Leaf first, root last (notation requires the whole chain up to a self-signed root). */
  certificateChain: readonly Certificate[];
  format: EnvelopeFormat;
  /** Default: now. Truncated to whole seconds. */
  signingTime?: Date;
  /** Absolute expiry (`io.cncf.notary.expiry`); must be after the signing time. */
  expiry?: Date;
  /** Key/value pairs signed as `targetArtifact.annotations`; `io.cncf.notary*` keys are refused. */
  userMetadata?: Record<string, string>;
  /** `io.cncf.notary.signingAgent`; default `notary-gate/0.1.0`. */
  signingAgent?: string;
}

/**
 * Signs `subject` and pushes the envelope and its signature manifest;
 * returns the signature manifest's descriptor. Throws NotaryError
 * (ERR_USER_METADATA, ERR_SIGNER_INVALID) for a bad request before anything
 * is pushed, and the repository's errors for registry trouble.
 */
export async function signArtifact(options: SignArtifactOptions): Promise<Descriptor> {
  const { repository, subject } = options;
  // notation signs the descriptor it resolved (no annotations); user metadata is all it adds.
  const target = addUserMetadata({ mediaType: subject.mediaType, digest: subject.digest, size: subject.size }, options.userMetadata);
  const signingTime = new Date(Math.floor((options.signingTime ?? new Date()).getTime() / 1000) * 1000);
  const envelope = signEnvelope({
    format: options.format,
    payload: buildPayload(target),
    signingTime,
    ...(options.expiry === undefined ? {} : { expiry: options.expiry }),
    key: options.key,
    certificateChain: options.certificateChain,
    signingAgent: options.signingAgent ?? DEFAULT_SIGNING_AGENT,
  });
  const envelopeDescriptor = await repository.pushBlob(envelope, ENVELOPE_MEDIA_TYPES[options.format]);
  const manifest = buildSignatureManifest({
    envelope: { mediaType: ENVELOPE_MEDIA_TYPES[options.format], digest: envelopeDescriptor.digest, size: envelopeDescriptor.size },
    subject,
    certificateChain: options.certificateChain,
    signingTime,
  });
  return pushPackedManifest(repository, manifest);
}
