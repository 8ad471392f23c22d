/**
 * Registry access of a service process: plain HTTP only for the configured
 * insecure registries, credentials from the docker config file, and every
 * request counted into `notary_gate_registry_requests_total` through a
 * counting dispatcher (which the process owns and closes).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadDockerConfig, type CredentialLookup, type RegistryClientOptions } from '@notary-gate/oci';
import { credentialHelperLookup, readCredentialHelpers } from './credential-helpers';
import { countingRegistryDispatcher, type JsonLogger, type ServiceMetrics } from '@notary-gate/service';
import type { WorkerJobsConfig } from './worker-config';

export interface ServiceRegistryAccess {
  options: RegistryClientOptions;
  /** Closes the dispatcher (after the registry client that uses it). */
  close(): Promise<void>;
}

/** `DOCKER_CONFIG_FILE`, else `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (docker's rule). */
export function dockerConfigPathOf(config: Pick<WorkerJobsConfig, 'dockerConfig' | 'dockerConfigFile'>): string {
  return config.dockerConfigFile ?? join(config.dockerConfig ?? join(homedir(), '.docker'), 'config.json');
}

export async function serviceRegistryAccess(config: WorkerJobsConfig, metrics: ServiceMetrics, logger: JsonLogger): Promise<ServiceRegistryAccess> {
  // A missing file means anonymous access; an unreadable or malformed one fails the boot (ERR_CONFIG_INVALID).
  const path = dockerConfigPathOf(config);
  const stored = await loadDockerConfig(path);
  // `auths` first, then the credential helper docker would run for that registry.
  const helpers = readCredentialHelpers(path);
  const onWarning = (message: string): void => logger.warn(message, { context: 'Registry' });
  const fromHelpers = helpers ? credentialHelperLookup(helpers, { onWarning }) : undefined;
  const credentials: CredentialLookup = (registry) => stored.lookup(registry) ?? fromHelpers?.(registry);
  const dispatcher = countingRegistryDispatcher(metrics, { connectTimeoutMs: config.registryTimeoutMs });
  return {
    options: {
      insecureRegistries: [...config.insecureRegistries],
      mirrors: [...config.registryMirrors],
      credentials,
      timeoutMs: config.registryTimeoutMs,
      dispatcher,
      onWarning,
    },
    close: () => dispatcher.close(),
  };
}
