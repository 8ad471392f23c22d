/**
 * AdmissionReview `admission.k8s.io/v1`: decode a request with path-precise
 * errors, and build the response the API server expects.
 */
import { AdmissionError } from './errors';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
const OPERATIONS: readonly string[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; generateName?: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource?: { group: string; version: string; resource: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: Operation;
  userInfo?: { username?: string; uid?: string; groups?: string[] };
  object: KubernetesObject | null;
  oldObject: KubernetesObject | null;
  dryRun?: boolean;
}

export interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

export interface AdmissionReviewResponse {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  response: {
    uid: string;
    allowed: boolean;
    status?: { code: number; message: string };
    patchType?: 'JSONPatch';
    patch?: string;
    warnings?: string[];
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Decode an AdmissionReview body (already JSON-parsed) into its request. */
export function parseAdmissionReview(body: unknown): AdmissionRequest {
  if (!isObject(body)) throw new AdmissionError('ERR_MALFORMED_REVIEW', '(root)', 'an AdmissionReview must be a JSON object');
  if (body['apiVersion'] !== 'admission.k8s.io/v1') {
    throw new AdmissionError('ERR_MALFORMED_REVIEW', 'apiVersion', `must be "admission.k8s.io/v1", got ${describeValue(body['apiVersion'] ?? null)}`);
  }
  if (body['kind'] !== 'AdmissionReview') {
    throw new AdmissionError('ERR_MALFORMED_REVIEW', 'kind', `must be "AdmissionReview", got ${describeValue(body['kind'] ?? null)}`);
  }
  const request = body['request'];
  if (!isObject(request)) throw new AdmissionError('ERR_MALFORMED_REVIEW', 'request', 'is required and must be an object');
  const uid = requireString(request, 'uid', 'request.uid');
  const kind = request['kind'];
  if (!isObject(kind)) throw new AdmissionError('ERR_MALFORMED_REVIEW', 'request.kind', 'is required and must be an object {group, version, kind}');
  const operation = requireString(request, 'operation', 'request.operation');
  if (!OPERATIONS.includes(operation)) {
    throw new AdmissionError('ERR_MALFORMED_REVIEW', 'request.operation', `must be one of ${OPERATIONS.join(', ')}, got "${operation}"`);
  }
  const object = optionalObject(request, 'object', 'request.object');
  const oldObject = optionalObject(request, 'oldObject', 'request.oldObject');
  if (operation !== 'DELETE' && object === null) {
    throw new AdmissionError('ERR_MALFORMED_REVIEW', 'request.object', `is required for ${operation}`);
  }
  return {
    uid,
    kind: {
      group: optionalString(kind, 'group', 'request.kind.group') ?? '',
      version: requireString(kind, 'version', 'request.kind.version'),
      kind: requireString(kind, 'kind', 'request.kind.kind'),
    },
    ...(isObject(request['resource']) ? { resource: request['resource'] as AdmissionRequest['resource'] } : {}),
    ...(typeof request['subResource'] === 'string' ? { subResource: request['subResource'] } : {}),
    ...(typeof request['name'] === 'string' ? { name: request['name'] } : {}),
    ...(typeof request['namespace'] === 'string' ? { namespace: request['namespace'] } : {}),
    operation: operation as Operation,
    ...(isObject(request['userInfo']) ? { userInfo: request['userInfo'] as AdmissionRequest['userInfo'] } : {}),
    object,
    oldObject,
    ...(typeof request['dryRun'] === 'boolean' ? { dryRun: request['dryRun'] } : {}),
  };
}

const MAX_QUOTED = 100;

/**
 * The offending value, short: a scalar as JSON (long strings cut), a list or
 * an object by its kind. Echoing the whole value made a 10 000-item array in
 * `kind` cost 100 ms and a multi-megabyte message (found by fuzzing).
 */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= MAX_QUOTED ? text : `${text.slice(0, MAX_QUOTED)}…" (${text.length} characters)`;
}

function requireString(container: Record<string, unknown>, key: string, path: string): string {
  const value = container[key];
  if (typeof value !== 'string' || value === '') {
    throw new AdmissionError('ERR_MALFORMED_REVIEW', path, value === undefined ? 'is required' : `must be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}

function optionalString(container: Record<string, unknown>, key: string, path: string): string | undefined {
  const value = container[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AdmissionError('ERR_MALFORMED_REVIEW', path, `must be a string, got ${describeValue(value)}`);
  return value;
}

function optionalObject(container: Record<string, unknown>, key: string, path: string): KubernetesObject | null {
  const value = container[key];
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new AdmissionError('ERR_MALFORMED_REVIEW', path, 'must be an object');
  return value as KubernetesObject;
}

export interface ResponseOptions {
  uid: string;
  allowed: boolean;
  /** Denial message (status.message); code 403 as Kyverno answers. */
  message?: string;
  patch?: JsonPatchOperation[];
  warnings?: string[];
}

/** Build the AdmissionReview response: base64 JSONPatch only when there are patches. */
export function admissionResponse(options: ResponseOptions): AdmissionReviewResponse {
  const response: AdmissionReviewResponse['response'] = { uid: options.uid, allowed: options.allowed };
  if (!options.allowed) response.status = { code: 403, message: options.message ?? 'denied' };
  if (options.allowed && options.patch && options.patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(options.patch)).toString('base64');
  }
  if (options.warnings && options.warnings.length > 0) response.warnings = options.warnings;
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}
