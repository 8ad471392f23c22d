/**
 * `notary-gate apply --policy <file|dir>… --resource <file>… [--configmap <file>…] [-o json]`:
 * Kyverno CLI's `apply`, running the whole engine in-process — policies
 * matched to each resource, images verified through the worker functions,
 * and the admission verdict with its patch or Kyverno's denial message.
 * Exit 0 when every resource is allowed, 1 when any is denied, 2 on bad input.
 */
import type { Command } from 'commander';
import type { AdmissionRequest, KubernetesObject } from '@notary-gate/admission';
import { evaluateAdmission, staticConfigMaps, type Verdict } from '@notary-gate/engine';
import { parsePolicyDocuments, PolicyDocumentError, type Policy } from '@notary-gate/policy';
import { createWorkers } from '@notary-gate/workers';
import type { CliContext } from '../support/context';
import { CommandFailed, UsageError } from '../support/errors';
import { readInputFile } from '../support/files';
import { collect } from '../support/key-value';
import { readManifests, yamlFiles } from '../support/manifests';
import { addRegistryOptions, registryClientOptions, type RegistryFlags } from '../support/target';

interface ApplyFlags extends RegistryFlags {
  policy: string[];
  resource: string[];
  configmap: string[];
  output: string;
}

export function registerApplyCommand(program: Command, context: CliContext): void {
  const command = program
    .command('apply')
    .description('Apply Kyverno verifyImages policies (type: Notary) to resources, as the admission controller would')
    .option('--policy <file|dir>', 'policy YAML file or directory; repeatable', collect, [])
    .option('--resource <file>', 'resource manifest (Pod, Deployment, …); repeatable', collect, [])
    .option('--configmap <file>', 'ConfigMap manifests for `context` entries; repeatable', collect, [])
    .option('-o, --output <format>', 'text or json', 'text');
  addRegistryOptions(command).action((flags: ApplyFlags) => apply(flags, context));
}

interface ResourceInput {
  source: string;
  request: AdmissionRequest;
}

async function apply(flags: ApplyFlags, context: CliContext): Promise<void> {
  if (flags.output !== 'text' && flags.output !== 'json') throw new UsageError(`invalid --output "${flags.output}": use text or json`);
  if (flags.policy.length === 0) throw new UsageError('at least one --policy is required');
  if (flags.resource.length === 0) throw new UsageError('at least one --resource is required');
  const { policies, configMapObjects } = loadPolicies(flags.policy);
  const resources = flags.resource.flatMap((path) => readManifests(path, 'resource file').map((object, index) => toRequest(object, `${path}: document ${index + 1}`)));
  if (resources.length === 0) throw new UsageError('no resources found in the --resource files');
  const configMaps = staticConfigMaps([...configMapObjects, ...flags.configmap.flatMap((path) => readManifests(path, 'configmap file'))]);

  const workers = createWorkers({ registry: await registryClientOptions(flags, context), now: () => context.now() });
  let verdicts: Verdict[];
  try {
    verdicts = [];
    for (const resource of resources) {
      verdicts.push(await evaluateAdmission(resource.request, policies, { jobs: workers.port(), configMaps, now: () => context.now().getTime() }));
    }
  } finally {
    await workers.close();
  }

  if (flags.output === 'json') {
    const documents = verdicts.map((verdict) => ({
      allowed: verdict.allowed,
      message: verdict.message,
      patch: verdict.patch,
      results: verdict.results.map(({ policy, rule, status, message }) => ({ policy, rule, status, message })),
    }));
    context.stdout.write(`${JSON.stringify(documents.length === 1 ? documents[0] : documents, null, 2)}\n`);
  } else {
    resources.forEach((resource, index) => context.stdout.write(renderText(resource, verdicts[index]!)));
  }
  const denied = verdicts.filter((verdict) => !verdict.allowed).length;
  if (denied > 0) throw new CommandFailed(`${denied} of ${verdicts.length} resource${verdicts.length === 1 ? '' : 's'} denied`);
}

function loadPolicies(paths: string[]): { policies: Policy[]; configMapObjects: unknown[] } {
  const policies: Policy[] = [];
  const configMapObjects: unknown[] = [];
  for (const path of paths) {
    for (const file of yamlFiles(path, 'policy')) {
      try {
        const loaded = parsePolicyDocuments(readInputFile(file, 'policy file').toString('utf8'), file);
        policies.push(...loaded.policies);
        // Kyverno's conformance files put the ConfigMaps a policy reads beside it.
        configMapObjects.push(...loaded.resources.filter((object) => object['kind'] === 'ConfigMap'));
      } catch (error) {
        if (error instanceof PolicyDocumentError) throw new UsageError(error.message, { cause: error });
        throw error;
      }
    }
  }
  if (policies.length === 0) throw new UsageError(`no Kyverno policy found in ${paths.join(', ')}`);
  return { policies, configMapObjects };
}

/** A resource manifest as the API server would send it on CREATE. */
function toRequest(object: Record<string, unknown>, where: string): ResourceInput {
  const apiVersion = object['apiVersion'];
  const kind = object['kind'];
  const metadata = object['metadata'] as KubernetesObject['metadata'] | undefined;
  if (typeof apiVersion !== 'string' || apiVersion === '') throw new UsageError(`${where}: apiVersion: is required`);
  if (typeof kind !== 'string' || kind === '') throw new UsageError(`${where}: kind: is required`);
  const name = metadata?.name ?? metadata?.generateName;
  if (typeof name !== 'string' || name === '') throw new UsageError(`${where}: metadata.name: is required`);
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : 'default';
  return {
    source: where,
    request: {
      uid: `apply-${kind}-${namespace}-${name}`,
      kind: { group: group!, version: version!, kind },
      name,
      namespace,
      operation: 'CREATE',
      userInfo: { username: 'notary-gate-apply' },
      object: object as KubernetesObject,
      oldObject: null,
    },
  };
}

function renderText(resource: ResourceInput, verdict: Verdict): string {
  const kind = resource.request.kind.kind;
  const lines = [`resource ${kind}/${resource.request.namespace}/${resource.request.name} (${resource.source})`];
  if (verdict.results.length === 0) lines.push('  no verifyImages rule applies');
  for (const result of verdict.results) lines.push(`  ${result.policy}/${result.rule}: ${result.status}: ${result.message.replace(/\n/g, '\n    ')}`);
  for (const warning of verdict.warnings) lines.push(`  warning: ${warning}`);
  if (verdict.allowed) {
    lines.push(`  verdict: allowed${verdict.patch.length > 0 ? ` with ${verdict.patch.length} patch operation${verdict.patch.length === 1 ? '' : 's'}` : ''}`);
    for (const operation of verdict.patch) lines.push(`    ${operation.op} ${operation.path}${operation.value === undefined ? '' : ` = ${typeof operation.value === 'string' ? operation.value : JSON.stringify(operation.value)}`}`);
  } else {
    lines.push('  verdict: denied');
    lines.push(...verdict.message!.trim().split('\n').map((line) => `    ${line}`));
  }
  return `${lines.join('\n')}\n`;
}
