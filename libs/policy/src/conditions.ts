/**
 * Kyverno conditions (`preconditions`, attestation `conditions`, `validate.deny.conditions`):
 * `{any, all}` blocks, lists of them, and the legacy plain list (pkg/engine/variables/evaluate.go;
 * kyverno-notary-spec §4.2). Keys and values are variable-substituted just before each condition is
 * evaluated, so a short-circuited condition never fails on its variables.
 */
import { PolicyError } from './errors';
import type { Jmespath } from './jmespath';
import { evaluateOperator } from './operators/evaluate';
import { isKnownOperator } from './operators/names';
import { substituteString, substituteVariables } from './variables/substitute';

export interface Condition {
  readonly key?: unknown;
  readonly operator: string;
  readonly value?: unknown;
  readonly message?: string;
}

export interface AnyAllConditions {
  readonly any?: readonly Condition[];
  readonly all?: readonly Condition[];
}

/** One block, a list of blocks (every block must hold), or the legacy list of conditions (all must hold). */
export type Conditions = AnyAllConditions | readonly AnyAllConditions[] | readonly Condition[];

export interface ConditionsResult {
  readonly passed: boolean;
  /** Kyverno's message: the true conditions' messages on success, the false ones' on failure. */
  readonly message: string;
}

export interface EvaluateConditionsOptions {
  readonly jmespath: Jmespath;
  readonly operation?: string;
  /** `empty-string` reproduces Kyverno's preconditions resolver; conditions default to errors. */
  readonly onUnresolved?: 'error' | 'empty-string';
}

/**
 * Evaluates conditions over a context object (request.*, images.*, element, named entries…).
 * Throws `PolicyError` `ERR_POLICY_VARIABLE` with Kyverno's text
 * (`failed to substitute variables in condition key: failed to resolve … at path : …`) when a
 * variable cannot be resolved, and `ERR_POLICY_OPERATOR` for an unknown operator.
 */
export function evaluateConditions(conditions: Conditions, context: unknown, options: EvaluateConditionsOptions): ConditionsResult {
  if (Array.isArray(conditions)) {
    if (conditions.length > 0 && conditions.every(isCondition)) return evaluateLegacyList(conditions as Condition[], context, options);
    const trueMessages: string[] = [];
    for (const block of conditions as AnyAllConditions[]) {
      const result = evaluateBlock(block, context, options);
      if (!result.passed) return result;
      trueMessages.push(result.message);
    }
    return { passed: true, message: trueMessages.join(';') };
  }
  return evaluateBlock(conditions as AnyAllConditions, context, options);
}

/** One condition: substitute key then value, then apply the operator. */
export function evaluateCondition(condition: Condition, context: unknown, options: EvaluateConditionsOptions): boolean {
  const key = substituteIn('key', condition.key ?? null, context, options);
  const value = substituteIn('value', condition.value ?? null, context, options);
  return evaluateOperator(condition.operator, key, value);
}

function evaluateBlock(block: AnyAllConditions, context: unknown, options: EvaluateConditionsOptions): ConditionsResult {
  const trueMessages: string[] = [];
  const falseMessages: string[] = [];
  let anyResult = true;
  let allResult = true;
  if (block.any !== undefined && block.any !== null) {
    anyResult = false;
    for (const condition of block.any) {
      if (evaluateCondition(condition, context, options)) {
        anyResult = true;
        trueMessages.push(condition.message ?? '');
        break;
      }
      falseMessages.push(condition.message ?? '');
    }
  }
  for (const condition of block.all ?? []) {
    if (!evaluateCondition(condition, context, options)) {
      allResult = false;
      falseMessages.push(condition.message ?? '');
      break;
    }
    trueMessages.push(condition.message ?? '');
  }
  const passed = anyResult && allResult;
  return { passed, message: (passed ? trueMessages : falseMessages).join('; ') };
}

function evaluateLegacyList(conditions: Condition[], context: unknown, options: EvaluateConditionsOptions): ConditionsResult {
  for (const condition of conditions) {
    if (!evaluateCondition(condition, context, options)) return { passed: false, message: condition.message ?? '' };
  }
  return { passed: true, message: '' };
}

function substituteIn(part: 'key' | 'value', raw: unknown, context: unknown, options: EvaluateConditionsOptions): unknown {
  try {
    const opts = { jmespath: options.jmespath, path: '', operation: options.operation, onUnresolved: options.onUnresolved };
    return typeof raw === 'string' ? substituteString(raw, context, opts) : substituteVariables(raw, context, opts);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    throw new PolicyError(e.code, `failed to substitute variables in condition ${part}: ${e.message}`, { cause: e });
  }
}

function isCondition(item: unknown): boolean {
  return typeof item === 'object' && item !== null && 'operator' in item;
}

/** A problem found when checking conditions at policy load time. */
export interface ConditionIssue {
  /** YAML path of the offending field, e.g. `spec.rules[0].preconditions.all[1].operator`. */
  readonly path: string;
  readonly reason: string;
}

/**
 * Load-time validation of a conditions field: every condition must have a known operator (exact
 * spelling, as Kyverno's policy validation requires). `basePath` is the YAML path of the field.
 */
export function validateConditions(conditions: unknown, basePath: string): ConditionIssue[] {
  const issues: ConditionIssue[] = [];
  const checkCondition = (c: unknown, path: string) => {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) {
      issues.push({ path, reason: 'must be a condition object with key, operator and value' });
      return;
    }
    const op = (c as Record<string, unknown>)['operator'];
    if (op === undefined) issues.push({ path: `${path}.operator`, reason: 'is required' });
    else if (!isKnownOperator(op)) issues.push({ path: `${path}.operator`, reason: `unknown operator ${JSON.stringify(op)}` });
  };
  const checkBlock = (b: unknown, path: string) => {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) {
      issues.push({ path, reason: 'must be an object with any and/or all' });
      return;
    }
    for (const field of ['any', 'all'] as const) {
      const list = (b as Record<string, unknown>)[field];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) issues.push({ path: `${path}.${field}`, reason: 'must be a list of conditions' });
      else list.forEach((c, i) => checkCondition(c, `${path}.${field}[${i}]`));
    }
  };
  if (Array.isArray(conditions)) {
    conditions.forEach((item, i) => (isCondition(item) ? checkCondition(item, `${basePath}[${i}]`) : checkBlock(item, `${basePath}[${i}]`)));
  } else if (conditions !== undefined && conditions !== null) {
    checkBlock(conditions, basePath);
  }
  return issues;
}
