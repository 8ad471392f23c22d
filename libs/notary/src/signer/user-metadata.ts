/**
 * User metadata (`notation sign --user-metadata k=v`) becomes the payload's
 * `targetArtifact.annotations` (reference §3), added as notation-go's
 * `addUserMetadataToDescriptor` (`notation.go`) does, with its messages:
 * keys under the reserved `io.cncf.notary` prefix, or already annotated on
 * the target, are refused.
 */
import type { Descriptor } from '@notary-gate/oci';
import { NotaryError } from '../errors';

export const RESERVED_ANNOTATION_PREFIX = 'io.cncf.notary';

/** The target descriptor with the user metadata added to its annotations. */
export function addUserMetadata(target: Descriptor, userMetadata: Record<string, string> = {}): Descriptor {
  const entries = Object.entries(userMetadata);
  if (entries.length === 0) return target;
  const annotations: Record<string, string> = { ...target.annotations };
  for (const [key, value] of entries) {
    if (key.startsWith(RESERVED_ANNOTATION_PREFIX)) {
      throw new NotaryError(
        'ERR_USER_METADATA',
        `error adding user metadata: metadata key ${key} has reserved prefix ${RESERVED_ANNOTATION_PREFIX}`,
        { data: { key } },
      );
    }
    if (Object.prototype.hasOwnProperty.call(annotations, key)) {
      throw new NotaryError('ERR_USER_METADATA', `error adding user metadata: metadata key ${key} is already present in the target artifact`, {
        data: { key },
      });
    }
    annotations[key] = value;
  }
  return { ...target, annotations };
}
