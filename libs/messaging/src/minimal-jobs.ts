/**
 * Jobs carry only what the worker needs (issue 9: "the evaluator gets the
 * context the conditions reference, not the whole AdmissionReview"). The
 * engine hands the evaluate job the whole rule context (request, images,
 * configMap and variable entries); before it leaves the process the NATS port
 * keeps only the top-level entries the attestation conditions, the
 * `validate` block or its message name, and inside a kept `request` drops
 * the value of every environment variable (`env[].value`, `env[].valueFrom`)
 * unless the conditions mention `env` at all.
 *
 * The test is textual and conservative: an entry whose name appears anywhere
 * in the conditions as a word is kept whole, so no condition that can read a
 * value loses it; an entry never named cannot be read by any JMESPath
 * expression of these conditions (variables resolve from the context root).
 */
import type { EvaluateRequest } from '@notary-gate/contracts';

/** The evaluate request with the context cut down to what its conditions can reference. */
export function minimalEvaluateRequest(request: EvaluateRequest): EvaluateRequest {
  const text = JSON.stringify([request.attestations.map((attestation) => attestation.conditions), request.validate ?? null]);
  const named = (word: string): boolean => new RegExp(`(^|[^A-Za-z0-9_$])${escape(word)}($|[^A-Za-z0-9_])`).test(text);
  const context: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request.context ?? {})) {
    if (!named(name)) continue;
    context[name] = name === 'request' && !named('env') ? withoutEnvValues(value) : value;
  }
  return { ...request, context };
}

/** A copy of `value` where every `env: [{name, value|valueFrom}]` list keeps only the names. */
export function withoutEnvValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEnvValues);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] =
      key === 'env' && Array.isArray(child)
        ? child.map((entry) => (typeof entry === 'object' && entry !== null && 'name' in entry ? { name: (entry as { name: unknown }).name } : {}))
        : withoutEnvValues(child);
  }
  return out;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
