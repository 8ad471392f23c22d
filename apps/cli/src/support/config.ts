/**
 * The CLI's environment, read once (STYLE.md §10): the only place in the
 * CLI that looks at `process.env`. Everything else receives this typed object.
 */

export interface CliEnvironment {
  /** Default docker config file: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (docker's rule). */
  dockerConfigPath: string;
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
  };
}
