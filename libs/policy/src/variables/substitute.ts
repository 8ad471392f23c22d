/**
 * `{{ }}` variable substitution as Kyverno does it (pkg/engine/variables/vars.go, regex/vars.go;
 * kyverno-notary-spec §5):
 * - a string that is exactly one variable takes the variable's JSON value (any type);
 * - an embedded variable is stringified (a string raw, anything else as Go `json.Marshal`);
 * - nested variables resolve innermost first, and the string is rescanned after each round;
 * - `{{- x }}` substitutes once, without rescanning the result;
 * - `\{{ … }}` is an escape, left alone and finally unescaped to `{{ … }}`;
 * - `@` stands for the element at the current path (`request.object` + the path);
 * - on DELETE, `request.object` reads `request.oldObject`.
 * Object keys are substituted too. A failed lookup is `failed to resolve <var> at path <path>: <err>`.
 */
import { PolicyError, VariableResolutionError } from '../errors';
import type { Jmespath } from '../jmespath';
import { goJsonMarshal } from './go-json';

export interface SubstitutionOptions {
  readonly jmespath: Jmespath;
  /** JSON pointer of the value inside the document, used in error messages (`""` for conditions). */
  readonly path?: string;
  /** The admission operation; `DELETE` redirects `request.object` to `request.oldObject`. */
  readonly operation?: string;
  /**
   * What an unresolvable variable becomes: an error (default), or `""` as Kyverno's preconditions
   * resolver does.
   */
  readonly onUnresolved?: 'error' | 'empty-string';
}

const VARIABLES = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;
const ESCAPED_VARIABLES = /\\\{\{(?:\{[^{}]*\}|[^{}])*\}\}/g;

/**
 * Substitutes every variable in a JSON document (leaves and keys). A part of
 * the document with no `{{` in it (no variable, no escape) is returned as it
 * is, not copied: the results are read, never written.
 */
export function substituteVariables(document: unknown, context: unknown, options: SubstitutionOptions): unknown {
  return walk(document, options.path ?? '', context, options);
}

/**
 * Objects and arrays known to hold no `{{`, anywhere in their keys or
 * values. A policy is parsed once and substituted by every admission: the
 * variables are located on the first walk and the constant parts skipped on
 * every later one. Documents are not mutated once parsed (policies, their
 * context entries), which is what makes the answer stable per object.
 */
const CONSTANT = new WeakMap<object, boolean>();

function isConstant(node: unknown): boolean {
  if (typeof node === 'string') return !node.includes('{{');
  if (node === null || typeof node !== 'object') return true;
  let known = CONSTANT.get(node);
  if (known === undefined) {
    known = Array.isArray(node) ? node.every(isConstant) : Object.entries(node).every(([key, value]) => !key.includes('{{') && isConstant(value));
    CONSTANT.set(node, known);
  }
  return known;
}

function walk(node: unknown, path: string, context: unknown, options: SubstitutionOptions): unknown {
  if (isConstant(node)) return node;
  if (typeof node === 'string') return substituteString(node, context, { ...options, path });
  if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}/${i}`, context, options));
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const childPath = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const newKey = substituteString(key, context, { ...options, path: childPath });
      out[typeof newKey === 'string' ? newKey : goJsonMarshal(newKey)] = walk(value, childPath, context, options);
    }
    return out;
  }
  return node;
}

/** Substitutes the variables of one string; the result keeps the JSON type when the string is one variable. */
export function substituteString(input: string, context: unknown, options: SubstitutionOptions): unknown {
  const path = options.path ?? '';
  let value = input;
  let matches = findVariables(value);
  while (matches.length > 0) {
    const originalPattern = value;
    let rescan = true;
    for (const { prefix, variable: raw } of matches) {
      let expression = raw.slice(2, -2).trim();
      const shallow = expression.startsWith('-');
      if (shallow) {
        expression = expression.slice(1).trim();
        rescan = false;
      }
      if (expression === '@') expression = currentElementPath(path);
      if (options.operation === 'DELETE') expression = expression.replace(/request\.object/g, 'request.oldObject');
      const resolved = resolve(expression, context, path, options);
      if (originalPattern === raw) return resolved;
      let text = typeof resolved === 'string' ? resolved : goJsonMarshal(resolved);
      if (shallow) text = text.replace(/\{\{/g, '\\{{');
      const at = value.indexOf(prefix + raw);
      value = value.slice(0, at) + prefix + text + value.slice(at + prefix.length + raw.length);
    }
    matches = rescan ? findVariables(value) : [];
  }
  return value.replace(ESCAPED_VARIABLES, (escaped) => escaped.slice(1));
}

function findVariables(value: string): Array<{ prefix: string; variable: string }> {
  return Array.from(value.matchAll(VARIABLES), (m) => ({ prefix: m[1]!, variable: m[2]! }));
}

function resolve(expression: string, context: unknown, path: string, options: SubstitutionOptions): unknown {
  try {
    return options.jmespath.search(expression, context);
  } catch (e) {
    if (options.onUnresolved === 'empty-string') return '';
    const cause = e instanceof Error ? e : new Error(String(e));
    // Kyverno's context wraps query errors: `JMESPath query failed: <err>`.
    throw new VariableResolutionError(expression, path, new PolicyError('ERR_POLICY_JMESPATH', `JMESPath query failed: ${cause.message}`, { cause }));
  }
}

/**
 * `@` → `request.object` followed by the JSON path of the element, skipping past `foreach` and the two
 * leading rule elements (e.g. `/validate/pattern`), as vars.go does.
 */
function currentElementPath(path: string): string {
  let parts = path.split('/').filter((p) => p !== '').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const foreach = parts.lastIndexOf('foreach');
  if (foreach !== -1) parts = parts.slice(foreach + 1);
  parts = parts.slice(2);
  return ['request', 'object', ...parts]
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `${i === 0 ? '' : '.'}${p}` : `${i === 0 ? '' : '.'}"${p}"`))
    .join('');
}
