/**
 * The signed payload document, `{"targetArtifact": <descriptor>}` (reference
 * §3), written as notation-go writes it: `SanitizeTargetArtifact` keeps only
 * mediaType, digest, size and annotations, and Go's `json.Marshal` emits the
 * descriptor fields in struct order with the annotations map's keys sorted.
 */
import type { Descriptor } from '@notary-gate/oci';
import { goJsonMarshal, goJsonString } from './go-json';

/** The payload bytes for `target` (`artifactType`, `urls`, `platform`, `data` are dropped). */
export function buildPayload(target: Descriptor): Buffer {
  if (typeof target?.mediaType !== 'string' || typeof target.digest !== 'string' || !Number.isSafeInteger(target.size) || target.size < 0) {
    throw new TypeError('target must be a descriptor with mediaType, digest and size');
  }
  let descriptor = `"mediaType":${goJsonString(target.mediaType)},"digest":${goJsonString(target.digest)},"size":${target.size}`;
  const annotations = target.annotations;
  if (annotations && Object.keys(annotations).length > 0) descriptor += `,"annotations":${goJsonMarshal(annotations)}`;
  return Buffer.from(`{"targetArtifact":{${descriptor}}}`, 'utf8');
}
