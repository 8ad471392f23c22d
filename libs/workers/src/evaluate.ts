/**
 * notary.v1.evaluate: read the verified attestations' payloads by digest and
 * evaluate, in Kyverno's order (kyverno-notary-spec §2.6, §2.7), each
 * attestation's conditions (payload merged at the context root) and then
 * `validate.deny` over the named payloads.
 */
import type { AttestationVerdict, EvaluateReply, EvaluateRequest } from '@notary-gate/contracts';
import { isImageIndex, type ImageManifest, type OciRepository } from '@notary-gate/oci';
import { createJmespath, evaluateConditions, substituteVariables, type Conditions, type Jmespath } from '@notary-gate/policy';
import { asJob } from './job-errors';
import type { RegistryAccess } from './registry-access';

export interface EvaluateJobOptions {
  now?: () => Date;
}

type Json = Record<string, unknown>;

export function evaluateJob(access: RegistryAccess, options: EvaluateJobOptions = {}): (request: EvaluateRequest) => Promise<EvaluateReply> {
  const now = options.now ?? (() => new Date());
  return (request) =>
    asJob(async () => {
      const { repository } = access.open(request.repository, request.registryCredentials);
      const jmespath = createJmespath({ now });
      // Payloads are fetched in parallel; they are evaluated in order because each one joins the context.
      const payloads = await Promise.all(request.attestations.map((attestation) => readPayload(repository, attestation.digest, access.client.limits.maxPayloadBytes)));
      const context: Json = structuredClone(request.context);
      const verdicts: AttestationVerdict[] = [];
      request.attestations.forEach((attestation, position) => {
        const payload = payloads[position]!;
        if (!payload.ok) {
          verdicts.push({ index: attestation.index, passed: false, failure: 'payload', message: payload.message });
          return;
        }
        if (attestation.name) context[attestation.name] = deepMerge(context[attestation.name], payload.predicate);
        verdicts.push({ index: attestation.index, ...checkConditions(attestation.conditions, context, payload.predicate, request.image, attestation.type, jmespath) });
      });
      const reply: EvaluateReply = { attestations: verdicts };
      if (request.validate?.deny && verdicts.every((verdict) => verdict.passed)) {
        reply.validate = evaluateDeny(request.validate as { message?: string; deny: { conditions: unknown } }, context, jmespath);
      }
      return reply;
    });
}

type Payload = { ok: true; predicate: Json } | { ok: false; message: string };

/** The statement's predicate: the single layer of the referrer manifest, a JSON object. */
async function readPayload(repository: OciRepository, digest: string, maxBytes: number): Promise<Payload> {
  const fetched = await repository.fetchManifest(digest);
  if (isImageIndex(fetched.manifest)) return { ok: false, message: `no predicate found: ${digest} is an image index` };
  const layers = (fetched.manifest as ImageManifest).layers ?? [];
  if (layers.length === 0) return { ok: false, message: `no predicate found: ${digest} has no layers` };
  if (layers.length > 1) return { ok: false, message: `multiple layers in predicate not supported: ${digest} has ${layers.length}` };
  const layer = layers[0]!;
  if (layer.size > maxBytes) return { ok: false, message: `layer size ${layer.size} exceeds ${maxBytes} for digest ${layer.digest}` };
  const bytes = await repository.fetchBlob(layer, maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { ok: false, message: `failed to decode predicate ${layer.digest}: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: `json: cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed} into Go value of type map[string]interface {}` };
  }
  return { ok: true, predicate: parsed as Json };
}

function checkConditions(
  conditions: unknown[],
  context: Json,
  predicate: Json,
  image: string,
  type: string,
  jmespath: Jmespath,
): Omit<AttestationVerdict, 'index'> {
  if (conditions.length === 0) return { passed: true };
  // The predicate is merged at the context root while its own conditions run (`{{ source.type }}`).
  const scoped = { ...context, ...predicate };
  let result;
  try {
    result = evaluateConditions(conditions as Conditions, scoped, { jmespath });
  } catch (error) {
    return {
      passed: false,
      failure: 'conditions',
      message: `failed to check attestations: failed to substitute variables in attestation conditions: ${(error as Error).message}`,
    };
  }
  return result.passed ? { passed: true } : { passed: false, failure: 'conditions', message: `attestation checks failed for ${image} and predicate ${type}: ${result.message}` };
}

/** `validate.deny`: deny when the conditions hold; the message joins `validate.message` and the conditions' messages. */
function evaluateDeny(validate: { message?: string; deny: { conditions: unknown } }, context: Json, jmespath: Jmespath): { passed: boolean; message: string } {
  let result;
  try {
    result = evaluateConditions(validate.deny.conditions as Conditions, context, { jmespath });
  } catch (error) {
    return { passed: false, message: `failed to check deny conditions: ${(error as Error).message}` };
  }
  if (!result.passed) return { passed: true, message: '' };
  const joined = [validate.message ?? '', result.message].filter((part) => part !== '').join('; ');
  if (joined === '') return { passed: false, message: 'validation error: imageVerify  failed' };
  let message: unknown;
  try {
    message = substituteVariables(joined, context, { jmespath });
  } catch {
    message = result.message;
  }
  if (typeof message !== 'string') return { passed: false, message: "the produced message didn't resolve to a string, check your policy definition." };
  return { passed: false, message };
}

/** Kyverno's AddContextEntry: maps merge recursively, anything else replaces. */
function deepMerge(existing: unknown, incoming: Json): Json {
  if (typeof existing !== 'object' || existing === null || Array.isArray(existing)) return structuredClone(incoming);
  const merged: Json = { ...(existing as Json) };
  for (const [key, value] of Object.entries(incoming)) {
    const current = merged[key];
    merged[key] =
      typeof value === 'object' && value !== null && !Array.isArray(value) && typeof current === 'object' && current !== null && !Array.isArray(current)
        ? deepMerge(current, value as Json)
        : structuredClone(value);
  }
  return merged;
}
