/**
 * The CLI's environment, read once (STYLE.md §10): the only place in the
 * CLI that looks at `process.env`. Everything else receives this typed object.
 */
import { defaultDockerConfigPath } from '@notary-gate/oci';

export interface CliEnvironment {
  /** Default docker config file: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (docker's rule). */
  dockerConfigPath: string;
}

export function readCliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  return { dockerConfigPath: defaultDockerConfigPath(env) };
}
