/**
 * Regular-expression and matching functions: `regex_match`, `regex_replace_all`,
 * `regex_replace_all_literal`, `pattern_match`, `label_match`. Go RE2 syntax is translated to
 * JavaScript where the two differ (`(?P<name>`, leading inline flags), and Go's replacement template
 * (`$1`, `${name}`, `$$`; a missing group expands to nothing) is reproduced.
 */
import { TYPE_NUMBER, TYPE_OBJECT, TYPE_STRING } from '@jmespath-community/jmespath';
import { JmespathFunctionError } from '../../errors';
import { wildcardMatch } from '../../wildcard';
import type { FunctionDefinition } from './types';

const S = { types: [TYPE_STRING] };
const SN = { types: [TYPE_STRING, TYPE_NUMBER] };
const O = { types: [TYPE_OBJECT] };

/** Kyverno's `ifaceToString` for string-or-number arguments. */
function text(value: string | number): string {
  return typeof value === 'number' ? String(value) : value;
}

export function compileGoRegex(name: string, pattern: string, global = false): RegExp {
  let source = pattern.replace(/\(\?P</g, '(?<');
  let flags = global ? 'g' : '';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    flags += inline[1]!.replace('U', '');
    source = source.slice(inline[0].length);
  }
  try {
    return new RegExp(source.replace(/\\z/g, '$(?![\\s\\S])'), flags);
  } catch (e) {
    throw new JmespathFunctionError(name, `error parsing regexp: ${(e as Error).message}`);
  }
}

/** Go `Regexp.Expand` template semantics. */
function expandTemplate(template: string, match: RegExpExecArray | string[], groups: Record<string, string> | undefined): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_all, tok: string, braced?: string, bare?: string) => {
    if (tok === '$') return '$';
    const ref = (braced ?? bare)!;
    if (/^\d+$/.test(ref)) return match[Number(ref)] ?? '';
    return groups?.[ref] ?? '';
  });
}

export const REGEX_FUNCTIONS: FunctionDefinition[] = [
  {
    name: 'regex_match',
    signature: [S, SN],
    fn: ([re, src]: [string, string | number]) => compileGoRegex('regex_match', re).test(text(src)),
  },
  {
    name: 'regex_replace_all',
    signature: [S, SN, SN],
    fn: ([re, src, repl]: [string, string | number, string | number]) => {
      const template = text(repl);
      return text(src).replace(compileGoRegex('regex_replace_all', re, true), (...args: unknown[]) => {
        const hasGroups = typeof args[args.length - 1] === 'object';
        const groups = hasGroups ? (args[args.length - 1] as Record<string, string>) : undefined;
        const captures = args.slice(0, hasGroups ? -3 : -2) as string[];
        return expandTemplate(template, captures.map((c) => c ?? ''), groups);
      });
    },
  },
  {
    name: 'regex_replace_all_literal',
    signature: [S, SN, SN],
    fn: ([re, src, repl]: [string, string | number, string | number]) =>
      text(src).replace(compileGoRegex('regex_replace_all_literal', re, true), () => text(repl)),
  },
  {
    name: 'pattern_match',
    signature: [S, SN],
    fn: ([pattern, src]: [string, string | number]) => wildcardMatch(pattern, text(src)),
  },
  {
    name: 'label_match',
    signature: [O, O],
    // Every label of the selector must be present with the same value.
    fn: ([selector, labels]: [Record<string, unknown>, Record<string, unknown>]) =>
      Object.entries(selector).every(([k, v]) => Object.prototype.hasOwnProperty.call(labels, k) && labels[k] === v),
  },
];
