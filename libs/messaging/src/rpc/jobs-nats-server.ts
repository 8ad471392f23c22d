/**
 * The workers' NATS transport: Nest's `ServerNats` (Transport.NATS — Nest's
 * deserializer, handler routing, NatsContext with headers, queue groups) with
 * two things it lacks:
 * - a subject prefix, applied at subscription, so `@JobHandler(Subjects.verify)`
 *   serves `<prefix>.notary.v1.verify` (test isolation, shared NATS);
 * - a graceful stop that loses no job: Nest's `close()` unsubscribes, which
 *   drops messages already routed to this replica, then waits a fixed grace
 *   period. Here each subscription is *drained* (the server stops routing to
 *   this replica, everything already routed is still handled), close waits
 *   until every accepted job has been answered, flushes the replies, and only
 *   then closes. A replica that dies without stopping (SIGKILL, crash) loses
 *   the jobs it held: their callers get TIMEOUT at their deadline.
 */
import { ServerNats } from '@nestjs/microservices';
import { Headers, JobErrorCodes, type JobError, type TierKeys } from '@notary-gate/contracts';
import { headers as natsHeaders, JSONCodec, type Msg, type NatsConnection, type NatsError, type Subscription } from 'nats';
import { toJobError } from '../failures';
import { WORKER_PROGRESS_INTERVAL_MS } from '../nats-jobs-port';
import { RECONNECT_DEFAULTS } from '../nats-link';
import { describeNatsError, natsConnectOptions, redactUrl, type NatsSecurity } from '../nats-security';
import { JobSealer, type JobBinding } from '../sealing';
import { checkSubjectPrefix, wireSubject } from '../subject-names';
import { decodeHeaders } from '../wire';
import { InFlight } from './in-flight';

const codec = JSONCodec<unknown>();

export interface JobsNatsServerOptions {
  /** `nats://host:port` (comma-separated for several servers). */
  natsUrl: string;
  /** The tier key: jobs must open with it, replies are sealed with it. */
  tierKeys: TierKeys;
  /** TLS and authentication files. */
  security?: NatsSecurity;
  /** Client ping interval; default 2000 ms. */
  pingIntervalMs?: number;
  /** Progress beat interval while a job is held; default WORKER_PROGRESS_INTERVAL_MS. */
  progressIntervalMs?: number;
  /** Queue group of this worker role (`QueueGroups.*`): replicas share the subject's load. */
  queue: string;
  /** Namespace for all subjects; must match the clients' `subjectPrefix`. */
  subjectPrefix?: string;
  /** Connection name shown by the NATS server. */
  name?: string;
  /** Pause between reconnect attempts; default 1000 ms. */
  reconnectTimeWaitMs?: number;
  /** How long a stop waits for accepted jobs to be answered (never past their deadlines); default 10 000 ms. */
  drainTimeoutMs?: number;
}

type MessageCallback = (error: NatsError | null, message: Msg) => Promise<unknown>;
type Packet = { isDisposed?: boolean; err?: unknown; response?: unknown };

export class JobsNatsServer extends ServerNats {
  private readonly prefix: string;
  private readonly queue: string;
  private readonly drainTimeoutMs: number;
  private readonly subscriptionsByUs: Subscription[] = [];
  private readonly inFlight = new InFlight();
  private readonly endOf = new WeakMap<Msg, () => void>();
  private readonly awaitingReply = new WeakSet<Msg>();
  private lastStatus = '';
  private readonly sealer: JobSealer;
  private readonly bindings = new WeakMap<Msg, JobBinding>();
  private readonly progressIntervalMs: number;
  private readonly url: string;

  constructor(options: JobsNatsServerOptions) {
    if (typeof options.natsUrl !== 'string' || options.natsUrl === '') throw new TypeError('JobsNatsServer: natsUrl is required');
    if (typeof options.queue !== 'string' || options.queue === '') throw new TypeError('JobsNatsServer: queue is required');
    const { servers, options: secured } = natsConnectOptions(options.natsUrl, options.security);
    super({
      ...secured,
      servers,
      queue: options.queue,
      name: options.name,
      maxReconnectAttempts: RECONNECT_DEFAULTS.maxReconnectAttempts,
      reconnectTimeWait: options.reconnectTimeWaitMs ?? RECONNECT_DEFAULTS.reconnectTimeWait,
      pingInterval: options.pingIntervalMs ?? RECONNECT_DEFAULTS.pingInterval,
      maxPingOut: RECONNECT_DEFAULTS.maxPingOut,
      gracefulShutdown: false,
    });
    this.sealer = new JobSealer(options.tierKeys);
    this.progressIntervalMs = options.progressIntervalMs ?? WORKER_PROGRESS_INTERVAL_MS;
    this.url = redactUrl(options.natsUrl);
    this.prefix = checkSubjectPrefix(options.subjectPrefix);
    this.queue = options.queue;
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    this.status.subscribe((status) => (this.lastStatus = String(status)));
  }

  /** For `/readyz`: listening and connected to NATS. */
  isConnected(): boolean {
    try {
      return this.lastStatus === 'connected' && !this.unwrap<NatsConnection>().isClosed();
    } catch {
      return false; // not listening yet, or stopped
    }
  }

  /** The subjects this server subscribes to (after `listen`). */
  subscribedSubjects(): string[] {
    return this.subscriptionsByUs.map((s) => s.getSubject());
  }

  override bindEvents(client: NatsConnection): void {
    for (const [channel, handler] of this.messageHandlers) {
      const queue = (handler.extras?.queue as string | undefined) ?? this.queue;
      const onMessage = this.getMessageHandler(channel).bind(this) as MessageCallback;
      const subscription = client.subscribe(wireSubject(this.prefix, channel), {
        queue,
        callback: (error, message) => this.track(error, message, onMessage),
      });
      this.subscriptionsByUs.push(subscription);
    }
  }

  /** Subscribes, then waits until NATS has the subscriptions, so a job sent right after `listen()` finds its worker. */
  override start(callback: (error?: unknown) => void): void {
    this.bindEvents(this.unwrap<NatsConnection>());
    this.unwrap<NatsConnection>()
      .flush()
      .then(() => callback(), callback);
  }

  override getPublisher(natsMsg: Msg, id: string, ctx: Parameters<ServerNats['getPublisher']>[2]): (response: Packet) => unknown {
    const publish = super.getPublisher(natsMsg, id, ctx) as (response: Packet) => unknown;
    const binding = this.bindings.get(natsMsg);
    // Every reply leaves sealed to its job; Nest's own error packets become sealed INTERNAL failures.
    const respond = (packet: Packet): unknown => {
      if (binding === undefined) return publish(packet);
      const envelope = packet.err !== undefined && packet.err !== null ? { ok: false, error: toJobError(packet.err) } : packet.response;
      const { err: _err, ...rest } = packet;
      return publish({ ...rest, response: this.sealer.sealReply(envelope, binding) });
    };
    const end = this.endOf.get(natsMsg);
    if (end === undefined || !natsMsg.reply) return respond;
    this.awaitingReply.add(natsMsg);
    return (packet) => {
      const sent = respond(packet);
      // Nest merges `isDisposed` into the last packet; an `err` packet is final too.
      if (packet.isDisposed || packet.err !== undefined) end();
      return sent;
    };
  }

  override async close(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const subscriptions = this.subscriptionsByUs.splice(0);
    // With NATS down a drain or a flush waits for a reconnect that may never come: a stopping
    // worker must exit within its grace period, so each wait is bounded and skipped when disconnected.
    const connected = this.isConnected();
    if (connected) await within(this.drainTimeoutMs, Promise.allSettled(subscriptions.map((s) => s.drain())));
    if (!(await this.inFlight.idle(this.drainTimeoutMs))) {
      this.logger.warn(`stopping with ${this.inFlight.size} job(s) unanswered (deadline passed or drain timeout)`);
    }
    if (connected && this.isConnected()) {
      try {
        await within(1_000, this.unwrap<NatsConnection>().flush());
      } catch {
        // never connected, or already closed: no reply left to flush
      }
    }
    await super.close();
  }

  /**
   * The message with its sealed request opened in place (`data` is then the
   * Nest packet around the plain request), or `undefined` when it does not
   * open: answered at once with an unsealed BAD_REQUEST (whoever sent it has
   * no key to read a sealed one; a gateway reads it as a failed job).
   */
  private unseal(message: Msg): Msg | undefined {
    let packet: Record<string, unknown> | undefined;
    try {
      const decoded = codec.decode(message.data);
      if (typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded)) packet = decoded as Record<string, unknown>;
    } catch {
      // not JSON: refused below
    }
    try {
      const meta = decodeHeaders(message.headers);
      const { request, binding } = this.sealer.openJob(packet?.data, { subject: message.subject, requestId: meta.requestId, deadline: meta.deadline, cluster: meta.cluster ?? '' });
      const opened = Object.create(message, { data: { value: codec.encode({ ...packet, data: request }) } }) as Msg;
      this.bindings.set(opened, binding);
      return opened;
    } catch (failure) {
      const error: JobError = toJobError(failure);
      this.logger.warn(`${error.message} (from a client without this tier key, or another tier on the same subject)`);
      if (message.reply) message.respond(codec.encode({ id: packet?.id, response: { ok: false, error: { code: JobErrorCodes.badRequest, message: error.message } }, isDisposed: true }));
      return undefined;
    }
  }

  /** Progress beats to the job's reply inbox, at once and then every interval, until it is answered. */
  private beat(message: Msg): NodeJS.Timeout | undefined {
    if (!message.reply) return undefined;
    const send = (): void => {
      try {
        const h = natsHeaders();
        h.set(Headers.progress, '1');
        message.respond(new Uint8Array(0), { headers: h });
      } catch {
        // connection closing: the reply (or the caller's silence timer) settles the job
      }
    };
    send();
    const timer = setInterval(send, this.progressIntervalMs);
    timer.unref();
    return timer;
  }

  /** The connection state and the last problem, for /readyz (no secret). */
  describeStatus(): string {
    return this.isConnected() ? `connected to ${this.url}` : (this.lastError ?? `not connected to ${this.url}`);
  }

  private lastError: string | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  /**
   * The first connection, retried with backoff (0.5 s doubling to 30 s) while
   * NATS is unreachable or refuses the credentials or certificates: one log
   * line per attempt naming the server and the cause, and the cause in
   * /readyz, instead of a failed start. Stopping ends the wait.
   */
  override async createNatsClient(): Promise<NatsConnection> {
    let delay = 500;
    for (;;) {
      try {
        const connection = (await super.createNatsClient()) as NatsConnection;
        if (this.lastError !== undefined) this.logger.log(`connected to NATS at ${this.url}`);
        this.lastError = undefined;
        return connection;
      } catch (error) {
        this.lastError = `cannot connect to NATS at ${this.url}: ${describeNatsError(error)}`;
        if (this.stopping) throw new Error(this.lastError);
        this.logger.warn(`${this.lastError} (retrying in ${delay} ms)`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (this.stopping) throw new Error(this.lastError);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  private track(error: NatsError | null, message: Msg, onMessage: MessageCallback): void {
    if (error !== null || message === undefined) {
      void onMessage(error, message);
      return;
    }
    if (message.headers?.get(Headers.probe)) {
      // A readiness probe of a gateway: this replica serves the subject; nothing to open or run.
      if (message.reply) message.respond(new Uint8Array(0));
      return;
    }
    const opened = this.unseal(message);
    if (opened === undefined) return;
    message = opened;
    const finished = this.inFlight.begin(deadlineOf(message));
    const beats = this.beat(message);
    const end = (): void => {
      clearInterval(beats);
      finished();
    };
    this.endOf.set(message, end);
    onMessage(error, message).then(
      // Events, and requests Nest never answers, end when handled; requests end with their reply.
      () => this.awaitingReply.has(message) || end(),
      (failure: unknown) => {
        end();
        this.logger.error(`message on ${message.subject} could not be handled: ${(failure as Error)?.message ?? failure}`);
      },
    );
  }
}

/** Waits for `promise` at most `ms`. */
async function within(ms: number, promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.then(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** The job's deadline header (epoch ms), `Infinity` when absent or unreadable. */
function deadlineOf(message: Msg): number {
  const deadline = Number(message.headers?.get(Headers.deadline) || NaN);
  return Number.isFinite(deadline) ? deadline : Infinity;
}

/** Microservice options for a worker: `app.connectMicroservice(natsWorkerOptions(url, QueueGroups.verifier))`. */
export function natsWorkerOptions(
  natsUrl: string,
  queue: string,
  options: Omit<JobsNatsServerOptions, 'natsUrl' | 'queue'>,
): { strategy: JobsNatsServer } {
  return { strategy: new JobsNatsServer({ ...options, natsUrl, queue }) };
}
