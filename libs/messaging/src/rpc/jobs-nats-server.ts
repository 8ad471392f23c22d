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
import { Headers } from '@notary-gate/contracts';
import type { Msg, NatsConnection, NatsError, Subscription } from 'nats';
import { RECONNECT_DEFAULTS } from '../nats-link';
import { checkSubjectPrefix, wireSubject } from '../subject-names';
import { InFlight } from './in-flight';

export interface JobsNatsServerOptions {
  /** `nats://host:port` (comma-separated for several servers). */
  natsUrl: string;
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
type Packet = { isDisposed?: boolean; err?: unknown };

export class JobsNatsServer extends ServerNats {
  private readonly prefix: string;
  private readonly queue: string;
  private readonly drainTimeoutMs: number;
  private readonly subscriptionsByUs: Subscription[] = [];
  private readonly inFlight = new InFlight();
  private readonly endOf = new WeakMap<Msg, () => void>();
  private readonly awaitingReply = new WeakSet<Msg>();
  private lastStatus = '';

  constructor(options: JobsNatsServerOptions) {
    if (typeof options.natsUrl !== 'string' || options.natsUrl === '') throw new TypeError('JobsNatsServer: natsUrl is required');
    if (typeof options.queue !== 'string' || options.queue === '') throw new TypeError('JobsNatsServer: queue is required');
    super({
      servers: options.natsUrl.split(',').map((s) => s.trim()),
      queue: options.queue,
      name: options.name,
      maxReconnectAttempts: RECONNECT_DEFAULTS.maxReconnectAttempts,
      reconnectTimeWait: options.reconnectTimeWaitMs ?? RECONNECT_DEFAULTS.reconnectTimeWait,
      gracefulShutdown: false,
    });
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
    const respond = super.getPublisher(natsMsg, id, ctx) as (response: Packet) => unknown;
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
    const subscriptions = this.subscriptionsByUs.splice(0);
    await Promise.allSettled(subscriptions.map((s) => s.drain()));
    if (!(await this.inFlight.idle(this.drainTimeoutMs))) {
      this.logger.warn(`stopping with ${this.inFlight.size} job(s) unanswered (deadline passed or drain timeout)`);
    }
    try {
      await this.unwrap<NatsConnection>().flush();
    } catch {
      // never connected, or already closed: no reply left to flush
    }
    await super.close();
  }

  private track(error: NatsError | null, message: Msg, onMessage: MessageCallback): void {
    if (error !== null || message === undefined) {
      void onMessage(error, message);
      return;
    }
    const end = this.inFlight.begin(deadlineOf(message));
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

/** The job's deadline header (epoch ms), `Infinity` when absent or unreadable. */
function deadlineOf(message: Msg): number {
  const deadline = Number(message.headers?.get(Headers.deadline) || NaN);
  return Number.isFinite(deadline) ? deadline : Infinity;
}

/** Microservice options for a worker: `app.connectMicroservice(natsWorkerOptions(url, QueueGroups.verifier))`. */
export function natsWorkerOptions(
  natsUrl: string,
  queue: string,
  options: Omit<JobsNatsServerOptions, 'natsUrl' | 'queue'> = {},
): { strategy: JobsNatsServer } {
  return { strategy: new JobsNatsServer({ ...options, natsUrl, queue }) };
}
