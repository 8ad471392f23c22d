/** Readiness of the transport, for `/readyz`. Inject it by this class. */
export abstract class MessagingHealth {
  /** True when jobs can be sent (NATS connected; always true in-process). */
  abstract isConnected(): boolean;
}
