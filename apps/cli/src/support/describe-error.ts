/**
 * Maps any error a command throws to its exit status and one-line message:
 * bad input (2) is kept apart from a decided failure (1) and from "could not
 * decide" (3: the registry was unreachable, timed out, rate limited or
 * failing) — an outage is never reported as a bad signature (STYLE.md §5).
 */
import type { OciErrorCode } from '@notary-gate/oci';
import type { NotaryErrorCode } from '@notary-gate/notary';
import { credentialSourceOf } from './credential-sources';
import { CommandFailed, ExitStatus, UsageError } from './errors';

/* eslint-disable @typescript-eslint/no-require-imports -- the libraries are loaded by the command that threw, not at start-up */
const isOciError = (error: unknown): error is import('@notary-gate/oci').OciError => (require('@notary-gate/oci') as typeof import('@notary-gate/oci')).isOciError(error);
const isNotaryError = (error: unknown): error is import('@notary-gate/notary').NotaryError =>
  (require('@notary-gate/notary') as typeof import('@notary-gate/notary')).isNotaryError(error);
/* eslint-enable @typescript-eslint/no-require-imports */

/** OCI errors caused by what the user typed or pointed at. */
const OCI_INPUT_CODES: ReadonlySet<OciErrorCode> = new Set<OciErrorCode>([
  'ERR_INVALID_REFERENCE',
  'ERR_INVALID_DIGEST',
  'ERR_CONFIG_INVALID',
  'ERR_INSECURE_REFUSED',
  'ERR_LAYOUT_INVALID',
]);

/** Notary errors caused by the options given (metadata, keys, trust configuration). */
const NOTARY_INPUT_CODES: ReadonlySet<NotaryErrorCode> = new Set<NotaryErrorCode>([
  'ERR_USER_METADATA',
  'ERR_SIGNER_INVALID',
  'ERR_TRUST_POLICY',
  'ERR_TRUST_STORE',
  'ERR_NO_APPLICABLE_POLICY',
]);

export interface ErrorReport {
  status: ExitStatus;
  message: string;
}

export function describeError(error: unknown): ErrorReport {
  if (error instanceof UsageError) return { status: ExitStatus.usage, message: error.message };
  if (error instanceof CommandFailed) return { status: ExitStatus.failed, message: error.message };
  // Only an error that claims a library's code needs the library to check it.
  const coded = typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
  if (coded && isOciError(error)) {
    if (error.inconclusive) return { status: ExitStatus.inconclusive, message: `registry unavailable: ${error.message}` };
    // Refused credentials decide nothing about the artifact: could not decide (3), naming the credentials tried.
    if (error.code === 'ERR_UNAUTHORIZED' || error.code === 'ERR_DENIED') {
      const source = error.registry === undefined ? undefined : credentialSourceOf(error.registry);
      return { status: ExitStatus.inconclusive, message: `${error.message} (credentials: ${source ?? 'none: anonymous'})` };
    }
    if (error.code === 'ERR_INSECURE_REFUSED' && error.registry !== undefined) {
      return { status: ExitStatus.usage, message: `${error.message} (to allow it, pass --insecure-registry ${error.registry})` };
    }
    return { status: OCI_INPUT_CODES.has(error.code) ? ExitStatus.usage : ExitStatus.failed, message: error.message };
  }
  if (coded && isNotaryError(error)) {
    if (error.inconclusive) return { status: ExitStatus.inconclusive, message: `could not decide: ${error.message}` };
    return { status: NOTARY_INPUT_CODES.has(error.code) ? ExitStatus.usage : ExitStatus.failed, message: error.message };
  }
  return { status: ExitStatus.failed, message: error instanceof Error ? error.message : String(error) };
}
