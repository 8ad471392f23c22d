/**
 * Kyverno conditions (`{any, all}` blocks or the legacy plain list), as used
 * by preconditions, attestation conditions, validate.deny and exceptions.
 */
import { isKnownOperator } from '../operators/names';
import type { Node } from './reader';
import type { AnyAllConditions, Condition } from './types';

export function parseAnyAll(node: Node): AnyAllConditions {
  node.map();
  const any = node.child('any').present ? node.child('any').list().map(parseCondition) : undefined;
  const all = node.child('all').present ? node.child('all').list().map(parseCondition) : undefined;
  if (!any && !all) node.fail('must have any or all');
  return { ...(any ? { any } : {}), ...(all ? { all } : {}) };
}

/** `conditions` is either {any, all} or the legacy plain list. */
export function parseConditionsField(node: Node): AnyAllConditions | Condition[] {
  if (!node.present) node.fail('is required');
  return Array.isArray(node.value) ? node.list().map(parseCondition) : parseAnyAll(node);
}

/**
 * Preconditions: {any, all}, or the legacy list, which Kyverno evaluates as
 * "every condition holds" (KV@v1.14.0:pkg/engine/variables/evaluate.go
 * `EvaluateConditions` over []Condition) — folded into `all`.
 */
export function parsePreconditions(node: Node): AnyAllConditions {
  const conditions = parseConditionsField(node);
  return Array.isArray(conditions) ? { all: conditions } : conditions;
}

export function parseCondition(node: Node): Condition {
  const raw = node.map();
  if (!('key' in raw)) node.child('key').fail('is required');
  const operatorNode = node.child('operator');
  const operator = operatorNode.requiredString();
  if (!isKnownOperator(operator)) operatorNode.fail(`unknown operator "${operator}"`);
  const message = node.child('message').string();
  const key = node.child('key').json();
  const value = 'value' in raw ? node.child('value').json() : undefined;
  return { key, operator, ...('value' in raw ? { value } : {}), ...(message !== undefined ? { message } : {}) };
}
