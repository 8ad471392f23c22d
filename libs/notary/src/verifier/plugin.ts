/**
 * Verification plugins (reference §11; notation-go `getVerificationPlugin`,
 * `getVerificationPluginMinVersion`, plugin lookup in `processSignature`).
 * notary-gate runs no plugins: a signature whose critical
 * `io.cncf.notary.verificationPlugin` asks for one can never be fully
 * verified here, so it fails — with the message notation gives when the
 * plugin is not installed — instead of silently skipping the plugin's checks.
 */
import { NotaryError } from '../errors';
import type { SignerInfo } from '../types';
import { goQuote } from '../x509/go-quote';

export const HEADER_VERIFICATION_PLUGIN = 'io.cncf.notary.verificationPlugin';
export const HEADER_VERIFICATION_PLUGIN_MIN_VERSION = 'io.cncf.notary.verificationPluginMinVersion';

/** SemVer 2.0.0 without a leading `v` (notation's `internal/semver.IsValid`). */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export interface PluginOptions {
  /**
   * notation's libexec directory, used only to word the "not installed"
   * error exactly as notation's CLI plugin manager does
   * (`stat <dir>/plugins/<name>/notation-<name>: no such file or directory`).
   * Without it the cause reads `plugin not found`.
   */
  pluginDirectory?: string;
}

/**
 * The error that stops a signature requiring a verification plugin, or null
 * when it requires none.
 */
export function pluginRequirementError(signerInfo: SignerInfo, options: PluginOptions = {}): NotaryError | null {
  const name = criticalStringAttribute(signerInfo, HEADER_VERIFICATION_PLUGIN);
  if (name === undefined) return null;
  if (name instanceof NotaryError) return name;
  if (name.trim() === '') return pluginError(`${HEADER_VERIFICATION_PLUGIN} from extended attribute is an empty string`);

  const minVersion = criticalStringAttribute(signerInfo, HEADER_VERIFICATION_PLUGIN_MIN_VERSION);
  const versionProblem =
    minVersion instanceof NotaryError
      ? minVersion.message
      : minVersion === undefined
        ? undefined
        : minVersion.trim() === ''
          ? `${HEADER_VERIFICATION_PLUGIN_MIN_VERSION} from extended attribute is an empty string`
          : SEMVER.test(minVersion)
            ? undefined
            : `${HEADER_VERIFICATION_PLUGIN_MIN_VERSION} from extended attribute is not a valid SemVer`;
  if (versionProblem !== undefined) return pluginError(`error while getting plugin minimum version, error: ${versionProblem}`);

  const cause =
    options.pluginDirectory === undefined
      ? 'plugin not found'
      : `plugin executable file is either not found or inaccessible: stat ${options.pluginDirectory}/plugins/${name}/notation-${name}: no such file or directory`;
  return pluginError(
    `error while locating the verification plugin ${goQuote(name)}, make sure the plugin is installed successfully before verifying the signature. error: ${cause}`,
  );
}

/** notation's `extractCriticalStringExtendedAttribute`: undefined when absent. */
function criticalStringAttribute(signerInfo: SignerInfo, key: string): string | NotaryError | undefined {
  const attribute = signerInfo.signedAttributes.extendedAttributes.find((candidate) => candidate.key === key);
  if (!attribute) return undefined;
  if (!attribute.critical) return pluginError(`${key} is not a critical Extended attribute`);
  if (typeof attribute.value !== 'string') return pluginError(`${key} from extended attribute is not a string`);
  return attribute.value;
}

function pluginError(message: string): NotaryError {
  return new NotaryError('ERR_PLUGIN_REQUIRED', message);
}
