/**
 * The `main` of a worker app: validate the environment (every bad variable
 * at once), start the role, run until SIGTERM/SIGINT, drain and exit.
 */
import { ConfigError, JsonLogger, processEnvironment, type Environment } from '@notary-gate/service';
import { bootstrapWorker } from './bootstrap-worker';
import { untilShutdown } from './shutdown';
import { loadWorkerConfig, type WorkerConfig } from './worker-config';
import { WORKER_ROLES, type WorkerRole } from './worker-roles';

/** Resolves with the process exit status once the worker has stopped (or failed to start). */
export async function runWorker(role: WorkerRole, environment: Environment = processEnvironment()): Promise<number> {
  const service = WORKER_ROLES[role].service;
  let config: WorkerConfig;
  try {
    config = loadWorkerConfig(environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    new JsonLogger({ service }).fatal(error.message, { context: 'Config', problems: error.problems });
    return 2;
  }
  const logger = new JsonLogger({ service, level: config.logLevel });
  try {
    const host = await bootstrapWorker(role, config, { logger });
    await untilShutdown(host, logger);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      // A file named by a variable is unusable (tier key, NATS or Redis secrets): one line per problem, no stack.
      logger.fatal(error.message, { context: 'Config', problems: error.problems });
      return 2;
    }
    logger.fatal(`${service} failed: ${error instanceof Error ? error.message : String(error)}`, error instanceof Error ? error : undefined);
    return 1;
  }
}

/** Process entry: run, then exit with the status (a safety net if some handle outlives the drain). */
export function mainOfWorker(role: WorkerRole): void {
  void runWorker(role).then((status) => {
    process.exitCode = status;
    setTimeout(() => process.exit(status), 5_000).unref();
  });
}
