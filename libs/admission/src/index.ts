// libs/admission — AdmissionReview in/out, pod images, JSONPatch, Kyverno-format messages.
export { AdmissionError, type AdmissionErrorCode } from './errors';
export {
  parseAdmissionReview,
  admissionResponse,
  type AdmissionRequest,
  type AdmissionReviewResponse,
  type GroupVersionKind,
  type JsonPatchOperation,
  type KubernetesObject,
  type Operation,
  type ResponseOptions,
} from './admission-review';
export { parseImageInfo, withDigest, type ImageInfo } from './image-info';
export {
  extractImages,
  imagesContext,
  podSpecPointer,
  pointerToPath,
  CONTAINER_TYPES,
  type ContainerImage,
  type ContainerType,
} from './pod-images';
export { extractCustomImages, ImageExtractionError, type ImageExtractorConfig, type ImageTransform } from './image-extractors';
export { digestPatch, verifyImagesAnnotationPatches, applyPatch, type ImageStatus, type ScopedImageStatus } from './patches';
export { renderYamlMap, yamlScalar } from './kyverno-yaml';
export { blockedMessage, ruleWarning, type BlockedResource } from './messages';
