/**
 * The per-signature pipeline shared by OCI and blob verification (reference
 * §8; notation-go `processSignature`), in notation's run order:
 * integrity → (plugin requirement) → authenticity + trusted identity →
 * expiry → authentic timestamp → revocation. Each step yields a result with
 * the action the level assigns; an enforced failure stops the pipeline.
 */
import type { NotaryError } from '../errors';
import { asNotaryError } from './as-notary-error';
import { resolveVerifyTimestamp } from '../trustpolicy/levels';
import type { TrustPolicyStatement } from '../trustpolicy/statement';
import type { TrustStore } from '../truststore/types';
import type { EnvelopeContent, ValidationResult, ValidationType, VerificationLevel } from '../types';
import type { RevocationChecker } from '../revocation';
import { authenticTimestampError } from './authentic-timestamp';
import { verifyIntegrity } from './integrity';
import { expiryError } from './expiry';
import { pluginRequirementError, type PluginOptions } from './plugin';
import { revocationError } from './revocation-step';
import { authenticityError, loadSigningTrustAnchors } from './trust-anchors';
import { trustedIdentityError } from './trusted-identity';

export interface SignatureContext extends PluginOptions {
  statement: TrustPolicyStatement;
  level: VerificationLevel;
  trustStore: TrustStore;
  now: Date;
  /** Code-signing (and TSA) chain revocation; offline by default. */
  revocation?: RevocationChecker | undefined;
}

export interface ProcessedSignature {
  results: ValidationResult[];
  /** The error that stops the signature, or null when every enforced step passed. */
  error: NotaryError | null;
  envelope?: EnvelopeContent;
}

export async function processSignature(envelopeBytes: Buffer, mediaType: string, context: SignatureContext): Promise<ProcessedSignature> {
  const { level, statement } = context;
  const results: ValidationResult[] = [];
  const record = (type: ValidationType, error: NotaryError | null): ValidationResult => {
    const result: ValidationResult = { type, action: level.actions[type], error };
    results.push(result);
    return result;
  };
  const stop = (result: ValidationResult): boolean => result.action === 'enforce' && result.error !== null;

  // 1. Integrity is always enforced, whatever the level.
  const integrity = verifyIntegrity(envelopeBytes, mediaType);
  const integrityResult = record('integrity', integrity.error);
  if (integrity.error || !integrity.envelope) return { results, error: integrityResult.error };
  const envelope = integrity.envelope;
  const { signerInfo } = envelope;

  // 2. A signature that needs a verification plugin cannot be verified here (§11).
  const pluginError = pluginRequirementError(signerInfo, context);
  if (pluginError) return { results, error: pluginError, envelope };

  // 3. Authenticity, then trusted identity written into the same result.
  let authenticity: NotaryError | null;
  try {
    const anchors = await loadSigningTrustAnchors(signerInfo.signedAttributes.signingScheme, statement.name, statement.trustStores, context.trustStore);
    authenticity = authenticityError(signerInfo.certificateChain, anchors);
  } catch (error) {
    authenticity = asNotaryError(error, 'ERR_TRUST_STORE');
  }
  const authenticityResult = record('authenticity', authenticity);
  if (stop(authenticityResult)) return { results, error: authenticityResult.error, envelope };
  const identity = trustedIdentityError(statement.name, statement.trustedIdentities, signerInfo.certificateChain);
  if (identity) authenticityResult.error = identity;
  if (stop(authenticityResult)) return { results, error: authenticityResult.error, envelope };

  // 4. Expiry.
  const expiryResult = record('expiry', expiryError(signerInfo.signedAttributes, context.now));
  if (stop(expiryResult)) return { results, error: expiryResult.error, envelope };

  // 5. Authentic timestamp (after expiry, as notation's numbered steps).
  const timestampResult = record(
    'authenticTimestamp',
    await authenticTimestampError(envelope, {
      policyName: statement.name,
      trustStores: statement.trustStores,
      verifyTimestamp: resolveVerifyTimestamp(statement.signatureVerification),
      trustStore: context.trustStore,
      now: context.now,
      revocation: context.revocation,
    }),
  );
  if (stop(timestampResult)) return { results, error: timestampResult.error, envelope };

  // 6. Revocation: not run at all when skipped.
  if (level.actions.revocation !== 'skip') {
    const revocationResult = record('revocation', await revocationError(envelope, context.revocation, context.now));
    if (stop(revocationResult)) return { results, error: revocationResult.error, envelope };
  }
  return { results, error: null, envelope };
}
