/**
 * Verification levels as tables (reference §10.2; notation-go
 * `trustpolicy.LevelStrict…`, `GetVerificationLevel`): a preset maps each
 * validation type to an action; `override` turns a preset into `custom`.
 */
import { NotaryError } from '../errors';
import type { ValidationAction, ValidationType, VerificationLevel } from '../types';
import { goQuote, goQuoteList } from './go-format';

/** In notation's order (also the order of its "supported values" message). */
export const VALIDATION_TYPES: readonly ValidationType[] = ['integrity', 'authenticity', 'authenticTimestamp', 'expiry', 'revocation'];
export const VALIDATION_ACTIONS: readonly ValidationAction[] = ['enforce', 'log', 'skip'];

export type PresetLevelName = 'strict' | 'permissive' | 'audit' | 'skip';

function level(name: PresetLevelName, actions: Record<ValidationType, ValidationAction>): VerificationLevel {
  return Object.freeze({ name, actions: Object.freeze(actions) });
}

export const LEVELS: Readonly<Record<PresetLevelName, VerificationLevel>> = Object.freeze({
  strict: level('strict', { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'enforce', expiry: 'enforce', revocation: 'enforce' }),
  permissive: level('permissive', { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' }),
  audit: level('audit', { integrity: 'enforce', authenticity: 'log', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' }),
  skip: level('skip', { integrity: 'skip', authenticity: 'skip', authenticTimestamp: 'skip', expiry: 'skip', revocation: 'skip' }),
});

/** The `signatureVerification` object of a trust policy statement. */
export interface SignatureVerificationConfig {
  level: string;
  /** Validation type → action, in document order. */
  override?: Readonly<Record<string, string>>;
  /** `always` (the default when empty) or `afterCertExpiry`. */
  verifyTimestamp?: string;
}

export const VERIFY_TIMESTAMP_OPTIONS = ['always', 'afterCertExpiry'] as const;
export type VerifyTimestampOption = (typeof VERIFY_TIMESTAMP_OPTIONS)[number];

function isPreset(name: string): name is PresetLevelName {
  return Object.prototype.hasOwnProperty.call(LEVELS, name);
}

function isType(value: string): value is ValidationType {
  return (VALIDATION_TYPES as readonly string[]).includes(value);
}

function isAction(value: string): value is ValidationAction {
  return (VALIDATION_ACTIONS as readonly string[]).includes(value);
}

/**
 * The level a `signatureVerification` config resolves to. Throws
 * ERR_TRUST_POLICY with notation's (unprefixed) message when it is invalid.
 */
export function resolveVerificationLevel(config: SignatureVerificationConfig): VerificationLevel {
  if (!config.level) {
    throw policyError('signature verification level is empty or missing in the trust policy statement');
  }
  if (!isPreset(config.level)) {
    throw policyError(`invalid signature verification level ${goQuote(config.level)}`);
  }
  const base = LEVELS[config.level];
  const overrides = Object.entries(config.override ?? {});
  if (overrides.length === 0) return base;
  if (base.name === 'skip') {
    throw policyError(`signature verification level ${goQuote(base.name)} can't be used to customize signature verification`);
  }
  const actions: Record<ValidationType, ValidationAction> = { ...base.actions };
  for (const [type, action] of overrides) {
    if (!isType(type)) {
      throw policyError(
        `verification type ${goQuote(type)} in custom signature verification is not supported, supported values are ${goQuoteList(VALIDATION_TYPES)}`,
      );
    }
    if (!isAction(action)) {
      throw policyError(
        `verification action ${goQuote(action)} in custom signature verification is not supported, supported values are ${goQuoteList(VALIDATION_ACTIONS)}`,
      );
    }
    // Integrity is never negotiable; only revocation may be skipped (spec §Trust Policy).
    if (type === 'integrity') {
      throw policyError(`${goQuote(type)} verification can not be overridden in custom signature verification`);
    }
    if (type !== 'revocation' && action === 'skip') {
      throw policyError(`${goQuote(type)} verification can not be skipped in custom signature verification`);
    }
    actions[type] = action;
  }
  return Object.freeze({ name: 'custom', actions: Object.freeze(actions) });
}

/** The `verifyTimestamp` option, validated; empty means `always`. */
export function resolveVerifyTimestamp(config: SignatureVerificationConfig): VerifyTimestampOption {
  const value = config.verifyTimestamp ?? '';
  if (value === '') return 'always';
  if (!(VERIFY_TIMESTAMP_OPTIONS as readonly string[]).includes(value)) {
    throw policyError(`verifyTimestamp must be "always" or "afterCertExpiry", but got ${goQuote(value)}`);
  }
  return value as VerifyTimestampOption;
}

function policyError(message: string): NotaryError {
  return new NotaryError('ERR_TRUST_POLICY', message);
}
