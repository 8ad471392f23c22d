/**
 * Graceful stop on SIGTERM (Kubernetes) and SIGINT (Ctrl-C): the first signal
 * starts `close()` (drain) and the returned promise resolves once it is done;
 * a second signal exits at once.
 */
export interface Stoppable {
  close(): Promise<void>;
}

export interface ShutdownLogger {
  info(message: string, fields?: Record<string, unknown>): void;
}

export function untilShutdown(target: Stoppable, logger: ShutdownLogger, signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.info(`${signal} again: exiting without waiting`, { context: 'Shutdown' });
        process.exit(1);
      }
      stopping = true;
      logger.info(`${signal} received: shutting down gracefully`, { context: 'Shutdown' });
      target.close().then(
        () => {
          for (const name of signals) process.off(name, onSignal);
          resolve();
        },
        (error: unknown) => {
          for (const name of signals) process.off(name, onSignal);
          reject(error);
        },
      );
    };
    for (const signal of signals) process.on(signal, onSignal);
  });
}
