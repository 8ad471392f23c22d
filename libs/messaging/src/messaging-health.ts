/** Readiness of the transport, for `/readyz`. Inject it by this class. */
export abstract class MessagingHealth {
  /** True when jobs can be sent (NATS connected; always true in-process). */
  abstract isConnected(): boolean;
  /**
   * A fuller check when the transport has one: NATS connected (or why not),
   * and a worker serving every job subject (`no signature-verifier worker
   * serving <subject>` otherwise).
   */
  check?(): Promise<{ ok: boolean; detail: string }>;
}
