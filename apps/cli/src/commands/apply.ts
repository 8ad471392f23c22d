/**
 * `notary-gate apply [policy…] -r <resource>… [-u userinfo] [-f values] [-e exception]…`:
 * Kyverno CLI's `apply` (reference §7) for verifyImages policies of type
 * Notary, the whole engine in-process. Text output is Kyverno's: the
 * `Applying N policy rule(s) to M resource(s)...` header, one
 * `policy <name> -> resource <ns>/<Kind>/<name> failed:` block per failing
 * response, and the summary `pass: N, fail: N, warn: N, error: N, skip: N `.
 * `-o json` prints an array with one document per resource (verdict, patch,
 * every rule result of both phases). Exit 1 when a rule failed or errored
 * (Kyverno: "policy violations" / "policy errors"), 2 on bad input.
 * Differences from Kyverno's flags: `-o` selects the output format (Kyverno's
 * `-o` is a path for mutated resources), `--policy` is kept beside the
 * positional arguments, `--configmap` supplies ConfigMaps for `context`.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { staticConfigMaps } from '@notary-gate/engine';
import { MemoryCacheStore } from '@notary-gate/cache';
import { createWorkers } from '@notary-gate/workers';
import type { CliContext } from '../support/context';
import { CommandFailed, UsageError } from '../support/errors';
import { collect } from '../support/key-value';
import { cliSummary, countResults, failureBlocks } from '../support/kyverno-output';
import { loadExceptionFiles, loadPolicyFiles, loadResources, policyRemarks, ruleCount, runResource, type ResourceOutcome } from '../support/kyverno-apply';
import { readUserInfo, readValuesFile } from '../support/kyverno-files';
import { readManifests } from '../support/manifests';
import { addRegistryOptions, registryClientOptions, type RegistryFlags } from '../support/target';

interface ApplyFlags extends RegistryFlags {
  policy: string[];
  resource: string[];
  exception: string[];
  configmap: string[];
  userinfo?: string;
  valuesFile?: string;
  output: string;
}

export function registerApplyCommand(program: Command, context: CliContext): void {
  const command = program
    .command('apply')
    .description('Apply Kyverno verifyImages policies (type: Notary) to resources, as `kyverno apply` does')
    .argument('[policies...]', 'policy files or directories')
    .option('--policy <file|dir>', 'policy YAML file or directory; repeatable (besides the positional arguments)', collect, [])
    .option('-r, --resource <file|dir|->', 'resource manifests (files, directories, - for stdin); repeatable', collect, [])
    .option('--resources <file|dir|->', 'same as --resource', (value: string, previous: string[]) => collect(value, previous), [])
    .option('-e, --exception <file|dir>', 'PolicyException manifests (all apply, as in Kyverno\'s CLI); repeatable', collect, [])
    .option('--exceptions <file|dir>', 'same as --exception', (value: string, previous: string[]) => collect(value, previous), [])
    .option('-u, --userinfo <file>', 'cli.kyverno.io/v1alpha1 UserInfo: the requester, its roles and clusterRoles (taken literally)')
    .option('-f, --values-file <file>', 'cli.kyverno.io/v1alpha1 Values: namespace labels, variables')
    .option('--configmap <file>', 'ConfigMap manifests for `context` entries; repeatable', collect, [])
    .option('-o, --output <format>', 'text or json', 'text');
  addRegistryOptions(command).action((positional: string[], flags: ApplyFlags & { resources: string[]; exceptions: string[] }) =>
    apply([...positional, ...flags.policy], { ...flags, resource: [...flags.resource, ...flags.resources], exception: [...flags.exception, ...flags.exceptions] }, context),
  );
}

async function apply(policyPaths: string[], flags: ApplyFlags, context: CliContext): Promise<void> {
  if (flags.output !== 'text' && flags.output !== 'json') throw new UsageError(`invalid --output "${flags.output}": use text or json`);
  if (policyPaths.length === 0) throw new UsageError('at least one policy is required (positional arguments or --policy)');
  if (flags.resource.length === 0) throw new UsageError('at least one --resource is required');
  const { policies, configMapObjects } = loadPolicyFiles(policyPaths);
  if (policies.length === 0) throw new UsageError(`no Kyverno policy found in ${policyPaths.join(', ')}`);
  const exceptions = loadExceptionFiles(flags.exception);
  const userInfo = flags.userinfo ? readUserInfo(flags.userinfo, (line) => context.stderr.write(`${line}\n`)) : null;
  const values = flags.valuesFile ? readValuesFile(flags.valuesFile) : null;
  const resources = loadResources(flags.resource, () => readFileSync(0));
  if (resources.length === 0) throw new UsageError('no resources found in the --resource files');
  const configMaps = staticConfigMaps([...configMapObjects, ...flags.configmap.flatMap((path) => readManifests(path, 'configmap file'))]);
  for (const line of policyRemarks(policies)) context.stderr.write(`${line}\n`);

  // One verdict cache for the run, so the validating phase reuses what the mutating phase verified (useCache: false still re-verifies).
  const workers = createWorkers({ registry: await registryClientOptions(flags, context), cache: new MemoryCacheStore(), now: () => context.now() });
  const outcomes: ResourceOutcome[] = [];
  try {
    for (const resource of resources) {
      outcomes.push(await runResource(resource, { policies, exceptions, userInfo, values, configMaps, jobs: workers.port(), now: () => context.now().getTime() }));
    }
  } finally {
    await workers.close();
  }

  const counts = countResults(outcomes.flatMap((outcome) => outcome.results));
  if (flags.output === 'json') {
    // Always an array, one document per resource, whatever their number.
    const documents = outcomes.map((outcome) => ({
      resource: { apiVersion: outcome.resource.apiVersion, kind: outcome.resource.kind, namespace: outcome.resource.namespace, name: outcome.resource.name },
      allowed: outcome.allowed,
      message: outcome.message,
      patch: outcome.patch,
      warnings: outcome.warnings,
      results: outcome.results.map(({ policy, identity, rule, status, message, phase, image }) => ({ policy, identity, rule, phase, status, message, ...(image ? { image } : {}) })),
    }));
    context.stdout.write(`${JSON.stringify(documents, null, 2)}\n`);
  } else {
    const header = exceptions.length > 0 ? ` with ${exceptions.length} exception(s)` : '';
    context.stdout.write(`\nApplying ${ruleCount(policies)} policy rule(s) to ${resources.length} resource(s)${header}...\n`);
    context.stdout.write(failureBlocks(outcomes));
    context.stdout.write(cliSummary(counts));
  }
  if (counts.fail > 0) throw new CommandFailed('exit as there are policy violations');
  if (counts.error > 0) throw new CommandFailed('exit as there are policy errors');
}
