/**
 * The CLI's environment, read once (STYLE.md §10): the only place in the
 * CLI that looks at `process.env`. Everything else receives this typed object.
 */
import { parseDuration } from './duration';

export interface CliEnvironment {
  /** Default docker config file: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (docker's rule). */
  dockerConfigPath: string;
  /** REGISTRY_TIMEOUT (the services' variable, same meaning): the registry idle timeout; undefined when unset. */
  registryTimeoutMs?: number | undefined;
}

export function readCliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  const snapshot = { ...env };
  let dockerConfigPath: string | undefined;
  return {
    // Computed on first use by the oci library's rule, so start-up loads no registry code.
    get dockerConfigPath(): string {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (dockerConfigPath ??= (require('@notary-gate/oci') as typeof import('@notary-gate/oci')).defaultDockerConfigPath(snapshot));
    },
    // Read when a registry command needs it; a bad value is a usage error naming the variable.
    get registryTimeoutMs(): number | undefined {
      const text = snapshot['REGISTRY_TIMEOUT'];
      return text === undefined || text === '' ? undefined : parseDuration(text, 'REGISTRY_TIMEOUT');
    },
  };
}
