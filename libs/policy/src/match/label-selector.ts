/**
 * Label selectors as Kyverno evaluates them in match/exclude, exceptions and failure-action overrides
 * (KV@v1.14.0:pkg/utils/match/labels.go `CheckSelector`):
 *   1. wildcards in `matchLabels` keys and values are replaced by the first resource label they match
 *      (pkg/engine/wildcards `ReplaceInSelector`); an unmatched wildcard has `*` and `?` turned into `0`;
 *      `matchExpressions` get no wildcard support;
 *   2. the result goes through apimachinery's `LabelSelectorAsSelector`: `{}` selects everything, invalid
 *      keys/values/operators are an error (Kyverno then counts the filter as not matching);
 *   3. the standard selector semantics over the labels.
 */
import { wildcardMatch } from '../wildcard';
import type { LabelSelector } from '../model/types';

export type SelectorResult = { ok: true; matched: boolean } | { ok: false; error: string };

const NAME_PART = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** apimachinery validation.IsQualifiedName: `[prefix/]name`, name ≤ 63, prefix a DNS subdomain ≤ 253. */
function qualifiedNameError(key: string): string | undefined {
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, rest] = parts as [string, string];
    if (prefix.length === 0) return `invalid label key "${key}": prefix part must be non-empty`;
    if (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return `invalid label key "${key}": prefix part must be a DNS-1123 subdomain`;
    name = rest;
  } else if (parts.length > 2) {
    return `invalid label key "${key}": a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'`;
  }
  if (name.length === 0) return `invalid label key "${key}": name part must be non-empty`;
  if (name.length > 63) return `invalid label key "${key}": name part must be no more than 63 characters`;
  if (!NAME_PART.test(name)) return `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  return undefined;
}

/** apimachinery validation.IsValidLabelValue: empty, or ≤ 63 characters of the name alphabet. */
function labelValueError(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return `invalid label value "${value}": must be no more than 63 characters`;
  if (!NAME_PART.test(value)) return `invalid label value "${value}": must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  return undefined;
}

const hasWildcard = (text: string) => text.includes('*') || text.includes('?');
const replaceWildcards = (text: string) => text.replace(/[*?]/g, '0');

/**
 * Expand wildcard `matchLabels` pairs against the labels (ReplaceInSelector). Kyverno rebuilds a Go map,
 * so two pairs that expand to one key overwrite each other in map order; here each pair is kept and must
 * hold on its own (every pair AND-ed) — the deterministic reading, never looser than either Go outcome
 * for a single pair.
 */
function expandMatchLabels(matchLabels: Record<string, string>, labels: Record<string, string>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(matchLabels)) {
    if (!hasWildcard(key) && !hasWildcard(value)) {
      pairs.push([key, value]);
      continue;
    }
    const found = Object.entries(labels).find(([k, v]) => wildcardMatch(key, k) && wildcardMatch(value, v));
    pairs.push(found ? [found[0], found[1]] : [replaceWildcards(key), replaceWildcards(value)]);
  }
  return pairs;
}

/** Evaluate a selector against labels exactly as Kyverno's CheckSelector does (a nil selector never matches). */
export function checkSelector(selector: LabelSelector | undefined, labels: Record<string, string>): SelectorResult {
  if (selector === undefined) return { ok: true, matched: false };
  const pairs = expandMatchLabels(selector.matchLabels ?? {}, labels);
  const expressions = selector.matchExpressions ?? [];
  // Validate everything first: LabelSelectorAsSelector fails before any matching happens.
  for (const [key, value] of pairs) {
    const error = qualifiedNameError(key) ?? labelValueError(value);
    if (error) return { ok: false, error };
  }
  for (const expression of expressions) {
    const keyError = qualifiedNameError(expression.key);
    if (keyError) return { ok: false, error: keyError };
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return { ok: false, error: `for 'in', 'notin' operators, values set can't be empty` };
        for (const value of values) {
          const error = labelValueError(value);
          if (error) return { ok: false, error };
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return { ok: false, error: `values set must be empty for exists and does not exist` };
        break;
      default:
        return { ok: false, error: `"${String((expression as { operator: unknown }).operator)}" is not a valid label selector operator` };
    }
  }
  const has = (key: string) => Object.prototype.hasOwnProperty.call(labels, key);
  for (const [key, value] of pairs) {
    if (!has(key) || labels[key] !== value) return { ok: true, matched: false };
  }
  for (const expression of expressions) {
    const present = has(expression.key);
    const value = labels[expression.key];
    const values = expression.values ?? [];
    const holds =
      expression.operator === 'In'
        ? present && values.includes(value!)
        : expression.operator === 'NotIn'
          ? !present || !values.includes(value!)
          : expression.operator === 'Exists'
            ? present
            : !present;
    if (!holds) return { ok: true, matched: false };
  }
  return { ok: true, matched: true };
}

/** `{}` selects everything whatever the labels: no labels are needed to evaluate it. */
export function selectorIgnoresLabels(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
