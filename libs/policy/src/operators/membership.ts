/**
 * `AnyIn`, `AllIn`, `AnyNotIn`, `AllNotIn` and the deprecated `In` / `NotIn`
 * (operator/anyin.go, allin.go, anynotin.go, allnotin.go, in.go, notin.go; kyverno-notary-spec §4.3).
 *
 * Keys and values are compared as Go `fmt.Sprint` strings with wildcards in both directions, except
 * `In`/`NotIn` with a list key, which compare exactly. A value of an unsupported shape is "invalid",
 * and every operator then answers false (so NotIn is not simply the negation of In).
 */
import { wildcardMatch } from '../wildcard';
import { goSprint } from '../values/go-format';
import { inRange, isRange, outOfRange } from './range';

export type MembershipOperator = 'AnyIn' | 'AllIn' | 'AnyNotIn' | 'AllNotIn';
type Outcome = boolean | 'invalid';

const matches = (a: string, b: string) => wildcardMatch(a, b) || wildcardMatch(b, a);

export function evaluateMembership(key: unknown, value: unknown, op: MembershipOperator): boolean {
  const negated = op === 'AnyNotIn' || op === 'AllNotIn';
  if (Array.isArray(key)) {
    const outcome = setMembership(key.map(goSprint), value, op);
    return outcome === 'invalid' ? false : outcome;
  }
  const scalar = scalarKey(key);
  if (scalar === undefined) return false;
  const outcome = scalarMembership(scalar, value, { ranges: true, plainStringIsList: true });
  return outcome === 'invalid' ? false : negated ? !outcome : outcome;
}

/** Deprecated `In` (`negated` false) and `NotIn` (`negated` true). */
export function evaluateIn(key: unknown, value: unknown, negated: boolean): boolean {
  if (Array.isArray(key)) {
    const outcome = exactSubset(key, value, negated);
    return outcome === 'invalid' ? false : outcome;
  }
  const scalar = scalarKey(key);
  if (scalar === undefined) return false;
  const outcome = scalarMembership(scalar, value, { ranges: false, plainStringIsList: false });
  return outcome === 'invalid' ? false : negated ? !outcome : outcome;
}

function scalarKey(key: unknown): string | undefined {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'boolean') return goSprint(key);
  return undefined;
}

/** Whether a single key is "in" the value (`anyKeyExistsInArray`). */
function scalarMembership(key: string, value: unknown, opts: { ranges: boolean; plainStringIsList: boolean }): Outcome {
  if (Array.isArray(value)) return value.some((v) => matches(goSprint(v), key));
  if (typeof value !== 'string') return 'invalid';
  if (wildcardMatch(value, key)) return true;
  if (opts.ranges && isRange(value)) return inRange(key, value);
  const list = jsonStringArray(value);
  if (list === 'invalid') return 'invalid';
  if (list === undefined) return opts.plainStringIsList ? key === value : 'invalid';
  return list.includes(key);
}

/** A list key against the value (`anySetExistsInArray`, `allSetExistsInArray`). */
function setMembership(keys: string[], value: unknown, op: MembershipOperator): Outcome {
  let values: string[];
  if (Array.isArray(value)) values = value.map(goSprint);
  else if (typeof value === 'number' || typeof value === 'boolean') values = [goSprint(value)];
  else if (typeof value === 'string') {
    if (keys.length === 1 && keys[0] === value) return op === 'AnyIn' || op === 'AllIn';
    if (isRange(value)) return rangeMembership(keys, value, op);
    const list = jsonStringArray(value);
    if (list === 'invalid') return 'invalid';
    values = list ?? [value];
  } else return 'invalid';
  const found = (k: string) => values.some((v) => matches(k, v));
  switch (op) {
    case 'AnyIn':
      return keys.some(found);
    case 'AllIn':
      return keys.every(found);
    case 'AnyNotIn':
      return keys.some((k) => !found(k));
    case 'AllNotIn':
      return !keys.some(found);
  }
}

function rangeMembership(keys: string[], range: string, op: MembershipOperator): boolean {
  switch (op) {
    case 'AnyIn':
      return keys.some((k) => inRange(k, range));
    case 'AllIn':
      return keys.every((k) => inRange(k, range));
    case 'AnyNotIn':
      return keys.some((k) => outOfRange(k, range));
    case 'AllNotIn':
      return !keys.some((k) => inRange(k, range));
  }
}

/** In/NotIn with a list key: exact comparison of strings, no wildcards (in.go `keyExistsInArray`). */
function exactSubset(keys: unknown[], value: unknown, negated: boolean): Outcome {
  if (!keys.every((k): k is string => typeof k === 'string')) return 'invalid';
  let values: string[];
  if (Array.isArray(value)) {
    if (!value.every((v): v is string => typeof v === 'string')) return 'invalid';
    values = value;
  } else if (typeof value === 'string') {
    // Kyverno answers true for both In and NotIn here.
    if (keys.length === 1 && keys[0] === value) return true;
    const list = jsonStringArray(value);
    if (list === undefined || list === 'invalid') return 'invalid';
    values = list;
  } else return 'invalid';
  const contained = keys.every((k) => values.includes(k));
  return negated ? !contained : contained;
}

/** undefined: not JSON; 'invalid': JSON but not a string array (json.Unmarshal into []string fails). */
function jsonStringArray(value: string): string[] | undefined | 'invalid' {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) return 'invalid';
  return parsed;
}
