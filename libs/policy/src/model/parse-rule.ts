/**
 * One verifyImages rule of a policy: match/exclude, context, preconditions,
 * imageExtractors and its `type: Notary` entries, with Kyverno's creation-time
 * checks (KV@v1.14.0:pkg/validation/policy/validate.go,
 * api/kyverno/v1/image_verification_types.go `Validate`).
 */
import { parseAnyAll, parseConditionsField, parsePreconditions } from './parse-conditions';
import { parseMatch } from './parse-match';
import type { Node } from './reader';
import { SIGNATURE_ALGORITHMS } from './schema';
import type { Attestation, Attestor, AttestorSet, ContextEntry, FailureAction, ImageExtractor, ImageVerification, PolicyWarning, Rule } from './types';

export interface RuleContext {
  /** spec.validationFailureAction, normalised. */
  specAction: FailureAction;
  namespaced: boolean;
  background: boolean;
  warnings: PolicyWarning[];
}

/** Kyverno's Notary verifier never reads `repository` (KV@v1.14.0:pkg/engine/internal/imageverifier.go `buildNotaryVerifier`; pkg/notary). */
const REPOSITORY_IGNORED = "ignored for type Notary: signatures are looked up next to the image, as Kyverno's Notary verifier does";

export function parseRule(node: Node, name: string, context: RuleContext): Rule {
  const match = parseMatch(node.child('match'), { role: 'match', namespaced: context.namespaced, background: context.background });
  const exclude = node.child('exclude').present ? parseMatch(node.child('exclude'), { role: 'exclude', namespaced: context.namespaced, background: context.background }) : undefined;
  const contextEntries = node.child('context').list().map(parseContextEntry);
  const preconditions = node.child('preconditions').present ? parsePreconditions(node.child('preconditions')) : undefined;
  const entriesNode = node.child('verifyImages');
  const entries = entriesNode.list();
  if (entries.length === 0) entriesNode.fail('at least one entry is required');
  // Kyverno carries the effective action from one entry to the next while validating (validate.go), so an
  // entry without failureAction after an Audit one is checked as Audit.
  let action = context.specAction;
  const verifyImages = entries.map((entry) => {
    const parsed = parseImageVerification(entry, action, context.warnings);
    action = parsed.failureAction ?? action;
    return parsed;
  });
  if (verifyImages.some((entry) => entry.validate) && verifyImages.some((entry) => !entry.validate?.deny)) {
    entriesNode.fail('when one entry has validate, every entry must have validate.deny');
  }
  const imageExtractors = node.child('imageExtractors').present ? parseImageExtractors(node.child('imageExtractors'), verifyImages) : undefined;
  return {
    name,
    match,
    ...(exclude ? { exclude } : {}),
    context: contextEntries,
    ...(preconditions ? { preconditions } : {}),
    verifyImages,
    ...(imageExtractors ? { imageExtractors } : {}),
  };
}

/** `imageExtractors: {<Kind>: [{path, value, name, key, jmesPath}]}` (KV@v1.14.0:pkg/utils/api/image.go). */
function parseImageExtractors(node: Node, verifyImages: ImageVerification[]): Record<string, ImageExtractor[]> {
  node.map();
  const out: Record<string, ImageExtractor[]> = {};
  for (const kind of node.keys()) {
    const kindNode = node.child(kind);
    const items = kindNode.list();
    // Kyverno errors at admission ("no extractors found for <kind>"): refused at load instead.
    if (items.length === 0) kindNode.fail(`no extractors found for ${kind}`);
    out[kind] = items.map((item) => {
      item.map();
      const path = item.child('path').requiredString();
      const value = item.child('value').string();
      const name = item.child('name').string();
      const key = item.child('key').string();
      const jmesPath = item.child('jmesPath').string();
      // KV@v1.14.0:pkg/validation/policy/validate.go `validateRuleImageExtractorsJMESPath`.
      if (jmesPath && verifyImages.some((entry) => entry.mutateDigest)) {
        item.child('jmesPath').fail('jmespath may not be used in an image extractor when mutating digests with verify images');
      }
      return { path, ...(value ? { value } : {}), ...(name ? { name } : {}), ...(key ? { key } : {}), ...(jmesPath ? { jmesPath } : {}) };
    });
  }
  return out;
}

function parseContextEntry(node: Node): ContextEntry {
  node.map();
  const name = node.child('name').requiredString();
  if (node.child('configMap').present) {
    const configMap = node.child('configMap');
    configMap.map();
    const namespace = configMap.child('namespace').string();
    return { name, configMap: { name: configMap.child('name').requiredString(), ...(namespace ? { namespace } : {}) } };
  }
  if (node.child('variable').present) {
    const variableNode = node.child('variable');
    const variable = variableNode.map();
    const jmesPath = variableNode.child('jmesPath').string();
    if (!('value' in variable) && jmesPath === undefined) variableNode.fail('needs value or jmesPath');
    return {
      name,
      variable: {
        ...('value' in variable ? { value: variableNode.child('value').json() } : {}),
        ...(jmesPath !== undefined ? { jmesPath } : {}),
        ...('default' in variable ? { default: variableNode.child('default').json() } : {}),
      },
    };
  }
  return node.fail('needs configMap or variable');
}

function parseImageVerification(node: Node, inheritedAction: FailureAction, warnings: PolicyWarning[]): ImageVerification {
  node.map();
  const type = node.child('type').string() ?? 'Cosign';
  if (type !== 'Notary') node.child('type').fail(`only type Notary is supported by notary-gate, got "${type}"`);
  const imageReferencesNode = node.child('imageReferences');
  const imageReferences = imageReferencesNode.stringList();
  const legacyImage = node.child('image').string();
  if (legacyImage) imageReferences.push(legacyImage);
  if (imageReferences.length === 0) imageReferencesNode.fail('An image reference is required');
  imageReferencesNode.list().forEach((item) => {
    if (String(item.value).includes('{{')) item.fail('should not have variables in image reference section');
  });
  const attestors = node.child('attestors').list().map((set) => parseAttestorSet(set, true, warnings));
  const attestations = node.child('attestations').list().map((attestation) => parseAttestation(attestation, warnings));
  // Stricter than Kyverno, which accepts such an entry (it then only pins digests): with notary-gate that
  // verifies nothing, and it is what a misspelt `attestors:` used to produce — refused.
  if (attestors.length === 0 && attestations.length === 0) {
    node.fail('verifies nothing: set attestors or attestations (an entry without them would only pin digests, which notary-gate refuses as a likely mistake)');
  }
  const failureActionValue = node.child('failureAction').oneOf(['Audit', 'Enforce'] as const);
  const mutateDigest = node.child('mutateDigest').boolean(true);
  if ((failureActionValue ?? inheritedAction) === 'Audit' && mutateDigest) {
    node.child('mutateDigest').fail('mutateDigest must be set to false for ‘Audit’ failure action');
  }
  const validateNode = node.child('validate');
  let validate: ImageVerification['validate'];
  if (validateNode.present) {
    validateNode.map();
    const message = validateNode.child('message').string();
    const deny = validateNode.child('deny');
    if (deny.present) deny.map();
    validate = {
      ...(message !== undefined ? { message } : {}),
      ...(deny.present ? { deny: { conditions: parseConditionsField(deny.child('conditions')) } } : {}),
    };
  }
  const credentialsNode = node.child('imageRegistryCredentials');
  let imageRegistryCredentials: ImageVerification['imageRegistryCredentials'];
  if (credentialsNode.present) {
    credentialsNode.map();
    const secretsNode = credentialsNode.child('secrets');
    const secrets = secretsNode.stringList();
    secretsNode.list().forEach((item) => {
      // Secret names are DNS subdomains; anything else can never be read (and must never reshape an API path).
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(String(item.value)) || String(item.value).length > 253) item.fail('is not a Secret name (a DNS subdomain)');
    });
    imageRegistryCredentials = { secrets };
  }
  const repository = node.child('repository');
  if (repository.string() !== undefined) warnings.push({ path: repository.path, message: REPOSITORY_IGNORED });
  return {
    type: 'Notary',
    imageReferences,
    skipImageReferences: node.child('skipImageReferences').stringList(),
    attestors,
    attestations,
    mutateDigest,
    verifyDigest: node.child('verifyDigest').boolean(true),
    required: node.child('required').boolean(true),
    useCache: node.child('useCache').boolean(true),
    ...(failureActionValue ? { failureAction: failureActionValue } : {}),
    ...(validate ? { validate } : {}),
    ...(imageRegistryCredentials ? { imageRegistryCredentials } : {}),
  };
}

function parseAttestorSet(node: Node, allowNested: boolean, warnings: PolicyWarning[]): AttestorSet {
  node.map();
  const entriesNode = node.child('entries');
  const entries = entriesNode.list().map((entry) => parseAttestor(entry, allowNested, warnings));
  if (entries.length === 0) entriesNode.fail('An entry is required');
  const countNode = node.child('count');
  const count = countNode.integer();
  if (count !== undefined) {
    if (count < 1) countNode.fail('must be ≥ 1');
    if (count > entries.length) countNode.fail('Count cannot exceed length of entries');
  }
  return { ...(count !== undefined ? { count } : {}), entries };
}

function parseAttestor(node: Node, allowNested: boolean, warnings: PolicyWarning[]): Attestor {
  node.map();
  const repository = node.child('repository');
  if (repository.string() !== undefined) warnings.push({ path: repository.path, message: REPOSITORY_IGNORED });
  const algorithm = node.child('signatureAlgorithm').string();
  // KV@v1.14.0:api/kyverno/v1/image_verification_types.go: "" or sha224/256/384/512; a Notary envelope names its own algorithm.
  if (algorithm && !(SIGNATURE_ALGORITHMS as readonly string[]).includes(algorithm)) node.child('signatureAlgorithm').fail('Invalid signature algorithm provided');
  const certificates = node.child('certificates');
  const nested = node.child('attestor');
  if (certificates.present && nested.present) node.fail('set either certificates or attestor, not both');
  if (nested.present) {
    if (!allowNested) nested.fail('a nested attestor is not supported inside attestations');
    return { attestor: parseAttestorSet(nested, true, warnings) };
  }
  if (!certificates.present) node.fail('keys, certificates, keyless, or a nested attestor is required');
  certificates.map();
  const cert = certificates.child('cert').string();
  const certChain = certificates.child('certChain').string();
  if (!cert && !certChain) certificates.fail('cert or certChain required');
  return { certificates: { ...(cert ? { cert } : {}), ...(certChain ? { certChain } : {}) } };
}

function parseAttestation(node: Node, warnings: PolicyWarning[]): Attestation {
  node.map();
  const predicateType = node.child('predicateType').string();
  const type = node.child('type').string() || predicateType;
  if (!type) node.child('type').fail('missing type');
  // KV@v1.14.0:pkg/validation/policy/validate.go `checkForDeprecatedFieldsInVerifyImages`.
  if (predicateType) warnings.push({ path: node.child('predicateType').path, message: `predicateType has been deprecated use 'type: ${predicateType}' instead of 'predicateType: ${predicateType}'` });
  const name = node.child('name').string();
  const attestorsNode = node.child('attestors');
  const attestors = attestorsNode.list().map((set) => parseAttestorSet(set, false, warnings));
  // Kyverno inserts an empty entry here and then dereferences nil certificates: an error is the safe reading.
  if (attestors.length === 0) attestorsNode.fail('at least one attestor set with certificates is required for type Notary');
  const conditions = node.child('conditions').list().map(parseAnyAll);
  return { ...(name ? { name } : {}), type: type!, attestors, conditions };
}
