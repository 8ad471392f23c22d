/** String functions of pkg/engine/jmespath/functions.go (Go `strings` package semantics). */
import { TYPE_NUMBER, TYPE_STRING } from '@jmespath-community/jmespath';
import { JmespathFunctionError } from '../../errors';
import type { FunctionDefinition } from './types';

const S = { types: [TYPE_STRING] };
const N = { types: [TYPE_NUMBER] };

/** Go `strings.Trim(s, cutset)`: strips leading and trailing code points found in cutset. */
function trimCutset(s: string, cutset: string): string {
  const set = new Set(Array.from(cutset));
  const chars = Array.from(s);
  let start = 0;
  let end = chars.length;
  while (start < end && set.has(chars[start]!)) start++;
  while (end > start && set.has(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

/** Go `strings.Replace(s, old, new, n)`: n < 0 replaces every occurrence. */
function replaceN(s: string, oldStr: string, newStr: string, n: number): string {
  if (n < 0) return oldStr === '' ? Array.from(s).join(newStr).replace(/^/, newStr) + newStr : s.split(oldStr).join(newStr);
  let out = s;
  let from = 0;
  for (let i = 0; i < n; i++) {
    const at = out.indexOf(oldStr, from);
    if (at === -1) break;
    out = out.slice(0, at) + newStr + out.slice(at + oldStr.length);
    from = at + newStr.length + (oldStr === '' ? 1 : 0);
  }
  return out;
}

/** Go `strings.Split`: an empty separator splits into code points. */
function split(s: string, sep: string): string[] {
  return sep === '' ? Array.from(s) : s.split(sep);
}

function toInteger(name: string, n: number): number {
  if (!Number.isInteger(n)) throw new JmespathFunctionError(name, 'Non-integer argument(s) passed');
  return n;
}

export const STRING_FUNCTIONS: FunctionDefinition[] = [
  { name: 'compare', signature: [S, S], fn: ([a, b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0) },
  { name: 'equal_fold', signature: [S, S], fn: ([a, b]: [string, string]) => a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase() },
  { name: 'replace', signature: [S, S, S, N], fn: ([s, o, n, c]: [string, string, string, number]) => replaceN(s, o, n, toInteger('replace', c)) },
  { name: 'replace_all', signature: [S, S, S], fn: ([s, o, n]: [string, string, string]) => replaceN(s, o, n, -1) },
  { name: 'to_upper', signature: [S], fn: ([s]: [string]) => s.toUpperCase() },
  { name: 'to_lower', signature: [S], fn: ([s]: [string]) => s.toLowerCase() },
  { name: 'trim', signature: [S, S], fn: ([s, cut]: [string, string]) => trimCutset(s, cut) },
  { name: 'trim_prefix', signature: [S, S], fn: ([s, p]: [string, string]) => (s.startsWith(p) ? s.slice(p.length) : s) },
  { name: 'split', signature: [S, S], fn: ([s, sep]: [string, string]) => split(s, sep) },
  {
    name: 'truncate',
    signature: [S, N],
    // A negative length truncates to nothing; the cut is per code point.
    fn: ([s, n]: [string, number]) => Array.from(s).slice(0, Math.max(0, Math.trunc(n))).join(''),
  },
];
