/**
 * The Kyverno CLI's words for results (KV@v1.14.0:cmd/cli/kubectl-kyverno/commands/apply/command.go,
 * processor/result.go): the failure blocks, the summary line with its
 * trailing space, and the counts behind it (every rule response of both
 * phases is counted, one per image).
 */
import { identityKey } from '@notary-gate/engine';
import type { PhaseResult, ResourceOutcome } from './kyverno-apply';

export interface ResultCounts {
  pass: number;
  fail: number;
  warn: number;
  error: number;
  skip: number;
}

export function countResults(results: PhaseResult[]): ResultCounts {
  const counts: ResultCounts = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const result of results) counts[result.status]++;
  return counts;
}

/** `\npass: N, fail: N, warn: N, error: N, skip: N \n` — the space before the newline is Kyverno's. */
export function cliSummary(counts: ResultCounts): string {
  return `\npass: ${counts.pass}, fail: ${counts.fail}, warn: ${counts.warn}, error: ${counts.error}, skip: ${counts.skip} \n`;
}

/**
 * One block per engine response (a policy's phase on a resource) with failed rules:
 * `policy <name> -> resource <ns>/<Kind>/<name> failed:`, `N - <rule> <message>` lines, a blank line.
 */
export function failureBlocks(outcomes: ResourceOutcome[]): string {
  let text = '';
  for (const outcome of outcomes) {
    const responses = new Map<string, PhaseResult[]>();
    for (const result of outcome.results) {
      const key = `${identityKey(result.identity)}\u0000${result.phase}`;
      responses.set(key, [...(responses.get(key) ?? []), result]);
    }
    const ordered = [...responses.values()].sort((a, b) => outcome.results.indexOf(a[0]!) - outcome.results.indexOf(b[0]!));
    // Kyverno orders responses policy by policy, the mutating phase before the validating one.
    ordered.sort((a, b) => firstIndexOfPolicy(outcome, a[0]!) - firstIndexOfPolicy(outcome, b[0]!) || phaseOrder(a[0]!) - phaseOrder(b[0]!));
    for (const results of ordered) {
      const failed = results.filter((result) => result.status === 'fail');
      if (failed.length === 0) continue;
      const { resource } = outcome;
      text += `policy ${results[0]!.policy} -> resource ${resource.namespace}/${resource.kind}/${resource.name} failed:\n`;
      failed.forEach((result, index) => (text += `${index + 1} - ${result.rule} ${result.message}\n`));
      text += '\n';
    }
  }
  return text;
}

const phaseOrder = (result: PhaseResult) => (result.phase === 'mutate' ? 0 : 1);
const firstIndexOfPolicy = (outcome: ResourceOutcome, result: PhaseResult) =>
  outcome.results.findIndex((candidate) => identityKey(candidate.identity) === identityKey(result.identity));
