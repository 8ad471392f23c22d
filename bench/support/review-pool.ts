/**
 * Sends AdmissionReviews to a gateway over keep-alive HTTPS as the
 * kube-apiserver does: one undici Pool, as many connections as admissions in
 * flight, the gateway's self-signed certificate accepted.
 */
import { Pool } from 'undici';
import type { AdmissionRequest, AdmissionReviewResponse } from '@notary-gate/admission';

export type ReviewResponse = AdmissionReviewResponse['response'];

export class ReviewPool {
  private readonly pool: Pool;

  constructor(url: string, connections: number) {
    this.pool = new Pool(url, { connections, pipelining: 1, connect: { rejectUnauthorized: false } });
  }

  /** POSTs the review to /mutate; throws on a non-200 answer or one about another request. */
  async mutate(admission: AdmissionRequest): Promise<ReviewResponse> {
    const answer = await this.pool.request({
      path: '/mutate',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: admission }),
    });
    const text = await answer.body.text();
    if (answer.statusCode !== 200) throw new Error(`/mutate answered HTTP ${answer.statusCode}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as AdmissionReviewResponse;
    if (body.response?.uid !== admission.uid) throw new Error(`/mutate answered another review than ${admission.uid}`);
    return body.response;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
