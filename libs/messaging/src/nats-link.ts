/**
 * One NATS connection and whether it is usable right now. The nats client
 * reconnects by itself (forever, `reconnectTimeWait` apart); this remembers
 * the last disconnect/reconnect so requests fail fast while the tier is
 * unreachable, tells the jobs port the moment the link drops (its pending
 * requests are rejected at once rather than at their deadlines), and keeps
 * the last connection error for `/readyz`.
 */
import { connect, Events, type NatsConnection } from 'nats';
import { describeNatsError, natsConnectOptions, redactUrl, type NatsSecurity } from './nats-security';

export interface NatsLinkOptions {
  /** `nats://host:port` (comma-separated for several servers). Credentials in it are honoured, never printed. */
  url: string;
  /** Connection name shown by the NATS server (`connz`). */
  name?: string;
  /** Pause between reconnect attempts; default 1000 ms. */
  reconnectTimeWaitMs?: number;
  /** Client ping interval; default 2000 ms (with 2 unanswered pings a frozen server is dropped within ~3 intervals). */
  pingIntervalMs?: number;
  /** TLS and authentication (files). */
  security?: NatsSecurity;
}

/** Reconnect policy shared by clients and workers: never give up, the tier comes back. */
export const RECONNECT_DEFAULTS = { maxReconnectAttempts: -1, reconnectTimeWait: 1000, pingInterval: 2000, maxPingOut: 2 } as const;

export class NatsLink {
  private up = true;
  private lastError: string | undefined;
  private readonly downListeners = new Set<(why: string) => void>();

  /** Connects (failing at once, with one clear line, if NATS is unreachable or refuses the credentials) and watches the connection. */
  static async connect(options: NatsLinkOptions): Promise<NatsLink> {
    if (typeof options.url !== 'string' || options.url === '') throw new TypeError('NatsLink.connect: url is required');
    const { servers, options: secured } = natsConnectOptions(options.url, options.security);
    try {
      const connection = await connect({
        ...secured,
        servers,
        name: options.name,
        maxReconnectAttempts: RECONNECT_DEFAULTS.maxReconnectAttempts,
        reconnectTimeWait: options.reconnectTimeWaitMs ?? RECONNECT_DEFAULTS.reconnectTimeWait,
        pingInterval: options.pingIntervalMs ?? RECONNECT_DEFAULTS.pingInterval,
        maxPingOut: RECONNECT_DEFAULTS.maxPingOut,
      });
      return new NatsLink(connection);
    } catch (error) {
      throw new Error(`cannot connect to NATS at ${redactUrl(options.url)}: ${describeNatsError(error)}`);
    }
  }

  constructor(readonly connection: NatsConnection) {
    void this.watch();
  }

  /** Connected and not closing: jobs can be sent. */
  isConnected(): boolean {
    return this.up && !this.connection.isClosed() && !this.connection.isDraining();
  }

  /** Why jobs cannot be sent now, or `undefined` when they can. */
  unavailableReason(): string | undefined {
    if (this.connection.isClosed()) return 'the NATS connection is closed';
    if (this.connection.isDraining()) return 'the NATS connection is closing';
    if (!this.up) return `the NATS connection is down (reconnecting${this.lastError ? `: ${this.lastError}` : ''})`;
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
    if (this.connection.isClosed()) return;
    if (!this.up) {
      await this.connection.close();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const drained = this.connection.isDraining() ? this.connection.closed().then(() => undefined) : this.connection.drain().catch(() => undefined);
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    try {
      if ((await Promise.race([drained, late])) === 'late') await this.connection.close();
    } finally {
      clearTimeout(timer);
    }
  }

  private down(why: string): void {
    this.up = false;
    for (const listener of [...this.downListeners]) listener(why);
  }

  private async watch(): Promise<void> {
    void this.connection.closed().then(() => this.down('the NATS connection is closed'));
    for await (const status of this.connection.status()) {
      if (status.type === Events.Disconnect) this.down(`the NATS connection to ${redactUrl(String(status.data))} dropped`);
      else if (status.type === Events.Reconnect) {
        this.up = true;
        this.lastError = undefined;
      } else if (status.type === Events.Error) this.lastError = describeNatsError(status.data);
    }
  }
}
