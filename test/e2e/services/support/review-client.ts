/**
 * Sends AdmissionReviews to a running gateway over HTTPS, as the
 * kube-apiserver does, and decodes the answers (the base64 JSONPatch
 * included). The gateway's certificate is self-signed in these suites.
 */
import { Agent, request } from 'undici';
import type { AdmissionRequest, AdmissionReviewResponse, JsonPatchOperation } from '@notary-gate/admission';

export type ReviewResponse = AdmissionReviewResponse['response'];

/** One keep-alive pool per suite file (jest isolates modules per file): the apiserver keeps its webhook connections open too. */
const agent = new Agent({ connect: { rejectUnauthorized: false }, connections: 64, pipelining: 1 });

/** POSTs `{apiVersion, kind, request}` to `<url><path>` and returns the review's `response`. */
export async function review(url: string, admission: AdmissionRequest, path: '/mutate' | '/validate' = '/mutate'): Promise<ReviewResponse> {
  const answer = await request(`${url}${path}`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: admission }),
  });
  const text = await answer.body.text();
  if (answer.statusCode !== 200) throw new Error(`${path} answered HTTP ${answer.statusCode}: ${text}`);
  const body = JSON.parse(text) as AdmissionReviewResponse;
  if (body.kind !== 'AdmissionReview' || body.response?.uid !== admission.uid) {
    throw new Error(`${path} answered something other than the review of ${admission.uid}: ${text}`);
  }
  return body.response;
}

/** The decoded JSONPatch of an allowed response (empty when it carries none). */
export function patchOf(response: ReviewResponse): JsonPatchOperation[] {
  if (response.patch === undefined) return [];
  expectJsonPatchType(response);
  return JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as JsonPatchOperation[];
}

function expectJsonPatchType(response: ReviewResponse): void {
  if (response.patchType !== 'JSONPatch') throw new Error(`patch without patchType JSONPatch: ${JSON.stringify(response)}`);
}

/** Closes the suite's HTTPS pool (in its afterAll). */
export async function closeReviewClient(): Promise<void> {
  await agent.close();
}
