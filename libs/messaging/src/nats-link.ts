/**
 * One NATS connection and whether it is usable right now. The nats client
 * reconnects by itself (forever, `reconnectTimeWait` apart); this only
 * remembers the last disconnect/reconnect so requests can fail fast while the
 * tier is unreachable and `/readyz` can report it.
 */
import { connect, Events, type NatsConnection } from 'nats';

export interface NatsLinkOptions {
  /** `nats://host:port` (comma-separated for several servers). */
  url: string;
  /** Connection name shown by the NATS server (`connz`). */
  name?: string;
  /** Pause between reconnect attempts; default 1000 ms. */
  reconnectTimeWaitMs?: number;
}

/** Reconnect policy shared by clients and workers: never give up, the tier comes back. */
export const RECONNECT_DEFAULTS = { maxReconnectAttempts: -1, reconnectTimeWait: 1000 } as const;

export class NatsLink {
  private up = true;

  /** Connects (failing at once if NATS is unreachable at boot) and watches the connection. */
  static async connect(options: NatsLinkOptions): Promise<NatsLink> {
    if (typeof options.url !== 'string' || options.url === '') throw new TypeError('NatsLink.connect: url is required');
    try {
      const connection = await connect({
        servers: options.url.split(',').map((s) => s.trim()),
        name: options.name,
        maxReconnectAttempts: RECONNECT_DEFAULTS.maxReconnectAttempts,
        reconnectTimeWait: options.reconnectTimeWaitMs ?? RECONNECT_DEFAULTS.reconnectTimeWait,
      });
      return new NatsLink(connection);
    } catch (error) {
      throw new Error(`cannot connect to NATS at ${options.url}: ${(error as Error).message}`, { cause: error });
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
    if (!this.up) return 'the NATS connection is down (reconnecting)';
    return undefined;
  }

  /** Nest lifecycle: the module owning the link closes it on app shutdown. */
  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  /** Lets in-flight requests finish, then closes. */
  async close(): Promise<void> {
    if (this.connection.isClosed() || this.connection.isDraining()) return;
    await this.connection.drain();
  }

  private async watch(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === Events.Disconnect) this.up = false;
      else if (status.type === Events.Reconnect) this.up = true;
    }
  }
}
