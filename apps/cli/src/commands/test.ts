/**
 * `notary-gate test DIR [-f kyverno-test.yaml]`: Kyverno's `kyverno test`
 * (reference §7.5–§7.6) for verifyImages policies — every `kyverno-test.yaml`
 * under DIR (cli.kyverno.io/v1alpha1 Test, read strictly) loads its
 * policies, resources, exceptions, values/variables and userinfo (paths
 * relative to the test file), runs every resource through the engine (both
 * phases, as `apply`), and compares `results[]` with Kyverno 1.14+'s
 * matching: the policy by name (the part after the last `/`), the rule as
 * `rule`, `autogen-rule` or `autogen-cronjob-rule`, resources as `name` or
 * `ns/name` (all resources when none of them is found), `kind` unused.
 *
 * Difference from Kyverno (documented, deliberate): Kyverno 1.13–1.15 score
 * every result that expects `fail` as Pass whatever the actual result
 * (`success := ok || (!ok && test.Result == fail)`, kyverno#9804, #11519).
 * Here every expectation is compared honestly: expecting `fail` on a rule
 * that passed is a failed test.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { MemoryCacheStore } from '@notary-gate/cache';
import { staticConfigMaps } from '@notary-gate/engine';
import { createWorkers } from '@notary-gate/workers';
import type { CliContext } from '../support/context';
import { CommandFailed, UsageError } from '../support/errors';
import { loadExceptionFiles, loadPolicyFiles, loadResources, policyRemarks, runResource, type PhaseResult, type ResourceOutcome } from '../support/kyverno-apply';
import { readTestFile, readUserInfo, readValuesFile, type CliTest, type CliTestResult } from '../support/kyverno-files';
import { addRegistryOptions, registryClientOptions, type RegistryFlags } from '../support/target';

interface TestFlags extends RegistryFlags {
  fileName: string;
  failOnly?: boolean;
}

export function registerTestCommand(program: Command, context: CliContext): void {
  const command = program
    .command('test')
    .description('Run Kyverno CLI test suites (kyverno-test.yaml) against verifyImages policies, as `kyverno test` does')
    .argument('<dir>', 'directory searched (recursively) for test files')
    .option('-f, --file-name <name>', 'test file name', 'kyverno-test.yaml')
    .option('--fail-only', 'show only the failed results');
  addRegistryOptions(command).action((dir: string, flags: TestFlags) => runTests(dir, flags, context));
}

interface Row {
  policy: string;
  rule: string;
  resource: string;
  passed: boolean;
  reason: string;
}

async function runTests(dir: string, flags: TestFlags, context: CliContext): Promise<void> {
  const files = findTestFiles(dir, flags.fileName);
  if (files.length === 0) throw new UsageError(`no ${flags.fileName} found under "${dir}"`);
  const rows: Row[] = [];
  const workers = createWorkers({ registry: await registryClientOptions(flags, context), cache: new MemoryCacheStore(), now: () => context.now() });
  try {
    for (const file of files) rows.push(...(await runTestFile(readTestFile(file), file, workers.port(), flags, context)));
  } finally {
    await workers.close();
  }
  const failed = rows.filter((row) => !row.passed).length;
  if (flags.failOnly) {
    context.stdout.write(`\nTest Summary: ${failed} out of ${rows.length} tests failed\n`);
  } else {
    context.stdout.write(`\nTest Summary: ${rows.length - failed} tests passed and ${failed} tests failed\n`);
  }
  if (failed > 0) throw new CommandFailed(`${failed} tests failed`);
}

function findTestFiles(dir: string, fileName: string): string[] {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    throw new UsageError(`cannot read test directory "${dir}": no such file or directory`);
  }
  if (!stat.isDirectory()) return dir.endsWith(fileName) ? [dir] : [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(path, fileName));
    else if (entry.name === fileName) found.push(path);
  }
  return found;
}

async function runTestFile(test: CliTest, file: string, jobs: ReturnType<ReturnType<typeof createWorkers>['port']>, flags: TestFlags, context: CliContext): Promise<Row[]> {
  const base = dirname(file);
  const at = (path: string) => resolve(base, path);
  const out = (line: string) => context.stdout.write(`${line}\n`);
  out(`Loading test ${test.name} ( ${file} ) ...`);
  out('  Loading values/variables ...');
  const values = test.values ?? (test.variables ? readValuesFile(at(test.variables)) : null);
  let userInfo = null;
  if (test.userinfo) {
    out('  Loading user infos ...');
    userInfo = readUserInfo(at(test.userinfo), (line) => context.stderr.write(`${line}\n`));
  }
  out('  Loading policies ...');
  const { policies, configMapObjects } = loadPolicyFiles(test.policies.map(at));
  for (const line of policyRemarks(policies)) context.stderr.write(`${line}\n`);
  out('  Loading resources ...');
  const resources = loadResources(test.resources.map(at), () => {
    throw new UsageError(`${file}: resources cannot be read from stdin`);
  });
  out('  Loading exceptions ...');
  const exceptions = loadExceptionFiles(test.exceptions.map(at));
  const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  out(`  Applying ${plural(policies.length, 'policy', 'policies')} to ${plural(resources.length, 'resource', 'resources')} with ${plural(exceptions.length, 'exception', 'exceptions')} ...`);
  const configMaps = staticConfigMaps(configMapObjects);
  const outcomes: ResourceOutcome[] = [];
  for (const resource of resources) outcomes.push(await runResource(resource, { policies, exceptions, userInfo, values, configMaps, jobs, now: () => context.now().getTime() }));
  out('  Checking results ...');
  const rows = test.results.flatMap((expected) => checkResult(expected, outcomes));
  out('');
  out(renderTable(flags.failOnly ? rows.filter((row) => !row.passed) : rows));
  out('');
  return rows;
}

/** Kyverno 1.14+'s matching of one expected result against the responses (commands/test/test.go). */
function checkResult(expected: CliTestResult, outcomes: ResourceOutcome[]): Row[] {
  const policyName = expected.policy.slice(expected.policy.lastIndexOf('/') + 1);
  const ruleNames = [expected.rule, `autogen-${expected.rule}`, `autogen-cronjob-${expected.rule}`];
  const listed = outcomes.filter((outcome) =>
    expected.resources.some((entry) => entry === outcome.resource.name || entry === `${outcome.resource.namespace}/${outcome.resource.name}`),
  );
  const checked = listed.length > 0 ? listed : outcomes;
  const rows: Row[] = [];
  for (const outcome of checked) {
    const { resource } = outcome;
    const cell = `${resource.apiVersion}/${resource.kind}/${resource.namespace}/${resource.name}`;
    const responses: PhaseResult[] = outcome.results.filter((result) => result.policy === policyName && ruleNames.includes(result.rule));
    if (responses.length === 0) {
      // Kyverno: a policy response without this rule → Pass / Excluded.
      rows.push({ policy: expected.policy, rule: expected.rule, resource: cell, passed: true, reason: 'Excluded' });
      continue;
    }
    for (const response of responses) {
      const passed = response.status === expected.result;
      rows.push({ policy: expected.policy, rule: expected.rule, resource: cell, passed, reason: passed ? 'Ok' : `Want ${expected.result}, got ${response.status}` });
    }
  }
  return rows;
}

function renderTable(rows: Row[]): string {
  const header = ['ID', 'POLICY', 'RULE', 'RESOURCE', 'RESULT', 'REASON'];
  const body = rows.map((row, index) => [String(index + 1), row.policy, row.rule, row.resource, row.passed ? 'Pass' : 'Fail', row.reason]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const line = (cells: string[]) => `│ ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' │ ')} │`;
  const rule = `│${widths.map((width) => '─'.repeat(width + 2)).join('│')}│`;
  return [rule, line(header), rule, ...body.map(line), rule].join('\n');
}
