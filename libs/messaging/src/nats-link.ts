/**
 * One NATS connection and whether it is usable right now.
 *
 * `NatsLink.start` (the services) never fails the process for NATS: it
 * connects in the background, and while NATS cannot be reached or refuses
 * the credentials or certificates it logs one line per attempt — the server
 * (without userinfo) and the cause, no stack — retries with backoff (0.5 s
 * doubling to 30 s), and `unavailableReason()` gives that cause to jobs
 * (TIER_UNAVAILABLE at once) and to `/readyz`. Once connected the nats client
 * reconnects by itself; if it gives up (closed), the link starts over.
 * `NatsLink.connect` (tools, tests) waits for the first connection and throws
 * its cause instead.
 *
 * The jobs port is told the moment the link drops, so its pending requests
 * are rejected at once rather than at their deadlines.
 */
import { Logger } from '@nestjs/common';
import { connect, Events, type NatsConnection } from 'nats';
import { describeNatsError, natsConnectOptions, redactUrl, type NatsSecurity } from './nats-security';

export interface NatsLinkOptions {
  /** `nats://host:port` (comma-separated for several servers). Credentials in it are honoured, never printed. */
  url: string;
  /** Connection name shown by the NATS server (`connz`). */
  name?: string;
  /** Pause between reconnect attempts once connected; default 1000 ms. */
  reconnectTimeWaitMs?: number;
  /** Client ping interval; default 2000 ms (with 2 unanswered pings a frozen server is dropped within ~3 intervals). */
  pingIntervalMs?: number;
  /** TLS and authentication (files). */
  security?: NatsSecurity;
  /** Reply inboxes under this prefix (default `_INBOX`): one per cluster lets NATS permissions keep clusters from reading each other's replies. */
  inboxPrefix?: string;
}

/** Reconnect policy shared by clients and workers: never give up, the tier comes back. */
export const RECONNECT_DEFAULTS = { maxReconnectAttempts: -1, reconnectTimeWait: 1000, pingInterval: 2000, maxPingOut: 2 } as const;

/** Backoff of the first connection (and of starting over): 0.5 s doubling to 30 s. */
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;

export class NatsLink {
  private current: NatsConnection | undefined;
  private up = false;
  private stopped = false;
  private lastError: string | undefined;
  private readonly downListeners = new Set<(why: string) => void>();
  private readonly logger = new Logger('NATS');
  private wake: (() => void) | undefined;
  private attempted!: () => void;
  private readonly firstAttempt = new Promise<void>((resolve) => (this.attempted = resolve));
  readonly inboxPrefix: string;
  private readonly server: string;

  private constructor(private readonly options: NatsLinkOptions) {
    if (typeof options?.url !== 'string' || options.url === '') throw new TypeError('NatsLink: url is required');
    this.inboxPrefix = options.inboxPrefix ?? '_INBOX';
    this.server = redactUrl(options.url);
  }

  /** Starts connecting in the background (services): never throws for NATS itself; see `unavailableReason()`. */
  static start(options: NatsLinkOptions): NatsLink {
    const link = new NatsLink(options);
    natsConnectOptions(options.url, options.security); // bad secret files fail the start, at once
    void link.loop();
    return link;
  }

  /** Resolves once the first connection attempt has succeeded or failed (at most `timeoutMs`): boot waits that long, no longer. */
  async settled(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.firstAttempt, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** Connects once (tools, tests), throwing one clear line if NATS is unreachable or refuses. */
  static async connect(options: NatsLinkOptions): Promise<NatsLink> {
    const link = new NatsLink(options);
    try {
      link.attach(await link.dial());
    } catch (error) {
      throw new Error(`cannot connect to NATS at ${link.server}: ${describeNatsError(error)}`);
    }
    return link;
  }

  /** The connection; throws when there is none yet (check `unavailableReason()` first). */
  get connection(): NatsConnection {
    if (this.current === undefined) throw new Error(this.unavailableReason() ?? 'not connected to NATS');
    return this.current;
  }

  /** Connected and not closing: jobs can be sent. */
  isConnected(): boolean {
    return this.unavailableReason() === undefined;
  }

  /** Why jobs cannot be sent now, or `undefined` when they can. */
  unavailableReason(): string | undefined {
    const connection = this.current;
    if (this.stopped) return 'the NATS connection is closed';
    if (connection === undefined) return this.lastError ?? `connecting to NATS at ${this.server}`;
    if (connection.isClosed()) return 'the NATS connection is closed';
    if (connection.isDraining()) return 'the NATS connection is closing';
    if (!this.up) return `the NATS connection to ${this.server} is down (reconnecting${this.lastError ? `: ${this.lastError}` : ''})`;
    return undefined;
  }

  /** Calls `listener` (with the reason) each time the connection drops or closes; returns the unsubscribe function. */
  onDown(listener: (why: string) => void): () => void {
    this.downListeners.add(listener);
    return () => this.downListeners.delete(listener);
  }

  /** Nest lifecycle: the module owning the link closes it on app shutdown. */
  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  /**
   * Lets in-flight requests finish, then closes — within `timeoutMs`: with
   * NATS down a drain never completes, so the connection is then closed
   * outright (a stopping process must exit within its grace period).
   */
  async close(timeoutMs = 2_000): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const connection = this.current;
    if (connection === undefined || connection.isClosed()) return;
    if (!this.up) {
      await connection.close();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const drained = connection.isDraining() ? connection.closed().then(() => undefined) : connection.drain().catch(() => undefined);
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    try {
      if ((await Promise.race([drained, late])) === 'late') await connection.close();
    } finally {
      clearTimeout(timer);
    }
  }

  private dial(): Promise<NatsConnection> {
    const { servers, options: secured } = natsConnectOptions(this.options.url, this.options.security);
    return connect({
      ...secured,
      servers,
      name: this.options.name,
      inboxPrefix: this.inboxPrefix,
      maxReconnectAttempts: RECONNECT_DEFAULTS.maxReconnectAttempts,
      reconnectTimeWait: this.options.reconnectTimeWaitMs ?? RECONNECT_DEFAULTS.reconnectTimeWait,
      pingInterval: this.options.pingIntervalMs ?? RECONNECT_DEFAULTS.pingInterval,
      maxPingOut: RECONNECT_DEFAULTS.maxPingOut,
      timeout: 5_000,
    });
  }

  /** Connects with backoff until connected or closed, one log line per failed attempt. */
  private async loop(): Promise<void> {
    let delay = FIRST_DELAY_MS;
    while (!this.stopped) {
      try {
        const connection = await this.dial();
        if (this.stopped) {
          await connection.close();
          return;
        }
        if (this.lastError !== undefined) this.logger.log(`connected to NATS at ${this.server}`);
        this.attach(connection);
        this.attempted();
        return;
      } catch (error) {
        this.lastError = `cannot connect to NATS at ${this.server}: ${describeNatsError(error)}`;
        this.logger.warn(`${this.lastError} (retrying in ${delay} ms)`);
        this.attempted();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    }
  }

  private attach(connection: NatsConnection): void {
    this.current = connection;
    this.up = true;
    this.lastError = undefined;
    void this.watch(connection);
    void connection.closed().then(() => {
      if (this.current !== connection) return;
      this.down('the NATS connection is closed');
      // The client gave up (or was closed by us): start over unless stopping.
      if (!this.stopped) {
        this.current = undefined;
        void this.loop();
      }
    });
  }

  private down(why: string): void {
    this.up = false;
    for (const listener of [...this.downListeners]) listener(why);
  }

  private async watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === Events.Disconnect) this.down(`the NATS connection to ${this.server} dropped`);
      else if (status.type === Events.Reconnect) {
        this.up = true;
        this.lastError = undefined;
      } else if (status.type === Events.Error) this.lastError = describeNatsError(status.data);
    }
  }
}
