/**
 * Jobs and replies sealed with the tier key (DESIGN.md "Trust model: the
 * bus"). A NATS client without the key reads no job (pod context, registry
 * credentials) and forges no reply: every job and every reply is a JWE
 * (`TierKeys.seal`, dir + A256GCM) whose authenticated header binds it to
 *
 * - the subject as published (a verify job is not an evaluate job, and one
 *   deployment's prefix is not another's),
 * - the request id and the deadline (`exp`, epoch ms: a job replayed after
 *   its deadline is refused; a job replayed before it is refused by the
 *   replica that saw it),
 * - the cluster that sent it,
 * - a fresh nonce (`jti`) per job, and the SHA-256 of the request itself
 *   (`rqh`: artifact, trust anchors, …).
 *
 * The reply repeats subject, request id, nonce, request hash and expiry, so a
 * reply captured from one job cannot answer another, even for the same image.
 * A reply that does not open, or opens with other claims, is a failed job
 * (INTERNAL: the policy's failurePolicy decides), never a verdict.
 *
 * The NATS headers (request id, deadline, cluster) stay for routing and logs;
 * a worker refuses a job whose headers disagree with its sealed claims.
 */
import { createHash, randomBytes } from 'node:crypto';
import { JobErrorCodes, JobFailure, TierKeyError, type TierKeys } from '@notary-gate/contracts';

const JOB_TYPE = 'notary-gate-job/v1';
const REPLY_TYPE = 'notary-gate-reply/v1';

/** What ties a reply to its job; known to the client that sealed the job and to the worker that opened it. */
export interface JobBinding {
  /** The subject as published (with any prefix). */
  subject: string;
  requestId: string;
  /** Absolute deadline, epoch ms. */
  deadline: number;
  /** The sending gateway's CLUSTER_NAME ('' when unnamed). */
  cluster: string;
  /** Fresh per job (base64url, 16 bytes). */
  nonce: string;
  /** SHA-256 (hex) of the sealed request's JSON. */
  requestHash: string;
}

/** What a job's NATS headers claim; a worker checks them against the sealed claims. */
export interface ArrivedJob {
  subject: string;
  requestId: string;
  deadline: number;
  cluster: string;
}

export class JobSealer {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly keys: TierKeys,
    private readonly now: () => number = Date.now,
  ) {
    if (keys === undefined || keys === null || typeof keys.seal !== 'function') throw new TypeError('JobSealer: tier keys are required');
  }

  /** Client: seals a job. `deadline` must be finite. */
  sealJob(request: unknown, meta: Omit<JobBinding, 'nonce' | 'requestHash'>): { token: string; binding: JobBinding } {
    if (!Number.isFinite(meta.deadline)) throw new TypeError('JobSealer.sealJob: a sealed job needs a finite deadline');
    const plaintext = Buffer.from(JSON.stringify(request), 'utf8');
    const binding: JobBinding = { ...meta, deadline: Math.trunc(meta.deadline), nonce: randomBytes(16).toString('base64url'), requestHash: sha256(plaintext) };
    return { token: this.keys.seal({ typ: JOB_TYPE, ...claimsOf(binding) }, plaintext), binding };
  }

  /**
   * Worker: opens a job that arrived on `arrived.subject`. Throws a
   * BAD_REQUEST JobFailure when it does not open with the tier key, is bound
   * to another subject, request or cluster than its headers say, has expired,
   * or was already seen by this process (a replay).
   */
  openJob(token: unknown, arrived: ArrivedJob): { request: unknown; binding: JobBinding } {
    const { claims, plaintext } = this.openOrFail(token, `job on ${arrived.subject}`);
    const binding = bindingOf(claims);
    const problem =
      claims.typ !== JOB_TYPE
        ? `it is a ${String(claims.typ)}, not a job`
        : binding.subject !== arrived.subject
          ? `it was sealed for ${binding.subject}`
          : binding.requestId !== arrived.requestId || binding.deadline !== arrived.deadline || binding.cluster !== arrived.cluster
            ? 'its headers do not match its sealed request id, deadline or cluster'
            : binding.requestHash !== sha256(plaintext)
              ? 'its request hash does not match'
              : binding.deadline <= this.now()
                ? `it expired ${this.now() - binding.deadline} ms ago (a late or replayed job)`
                : this.replayed(binding)
                  ? 'it was already received (a replayed job)'
                  : undefined;
    if (problem !== undefined) throw new JobFailure(JobErrorCodes.badRequest, `refused job on ${arrived.subject}: ${problem}`);
    let request: unknown;
    try {
      request = JSON.parse(plaintext.toString('utf8'));
    } catch {
      throw new JobFailure(JobErrorCodes.badRequest, `refused job on ${arrived.subject}: the sealed request is not JSON`);
    }
    return { request, binding };
  }

  /** Worker: seals a reply envelope to the job it answers. */
  sealReply(envelope: unknown, binding: JobBinding): string {
    return this.keys.seal({ typ: REPLY_TYPE, ...claimsOf(binding) }, Buffer.from(JSON.stringify(envelope), 'utf8'));
  }

  /**
   * Client: opens the reply to the job of `binding`. Anything else — not
   * sealed, another key, another job's reply — is an INTERNAL JobFailure.
   */
  openReply(token: unknown, binding: JobBinding): unknown {
    const { claims, plaintext } = this.openOrFail(token, `reply on ${binding.subject}`, JobErrorCodes.internal);
    const sealed = bindingOf(claims);
    const same =
      claims.typ === REPLY_TYPE &&
      sealed.subject === binding.subject &&
      sealed.requestId === binding.requestId &&
      sealed.deadline === binding.deadline &&
      sealed.cluster === binding.cluster &&
      sealed.nonce === binding.nonce &&
      sealed.requestHash === binding.requestHash;
    if (!same) throw new JobFailure(JobErrorCodes.internal, `reply on ${binding.subject} refused: it answers another job (a replayed or misrouted reply)`);
    try {
      return JSON.parse(plaintext.toString('utf8'));
    } catch {
      throw new JobFailure(JobErrorCodes.internal, `reply on ${binding.subject} refused: the sealed reply is not JSON`);
    }
  }

  private openOrFail(token: unknown, what: string, code: typeof JobErrorCodes.badRequest | typeof JobErrorCodes.internal = JobErrorCodes.badRequest) {
    if (typeof token !== 'string') throw new JobFailure(code, `${what} refused: it is not sealed with the tier key`);
    try {
      return this.keys.open(token);
    } catch (error) {
      if (error instanceof TierKeyError) throw new JobFailure(code, `${what} refused: it does not open with the tier key: ${error.message}`);
      throw error;
    }
  }

  /** Remembers each nonce until its deadline; true when this one was seen before. */
  private replayed(binding: JobBinding): boolean {
    const now = this.now();
    if (this.seen.size > 1_000) for (const [nonce, deadline] of this.seen) if (deadline <= now) this.seen.delete(nonce);
    if (this.seen.has(binding.nonce)) return true;
    this.seen.set(binding.nonce, binding.deadline);
    return false;
  }
}

function claimsOf(binding: JobBinding): Record<string, string | number> {
  return { sub: binding.subject, rid: binding.requestId, exp: binding.deadline, cl: binding.cluster, jti: binding.nonce, rqh: binding.requestHash };
}

function bindingOf(claims: Record<string, string | number>): JobBinding {
  return {
    subject: String(claims.sub ?? ''),
    requestId: String(claims.rid ?? ''),
    deadline: typeof claims.exp === 'number' ? claims.exp : NaN,
    cluster: String(claims.cl ?? ''),
    nonce: String(claims.jti ?? ''),
    requestHash: String(claims.rqh ?? ''),
  };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
