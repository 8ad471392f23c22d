/**
 * Conversion and structure functions: `to_boolean`, `base64_decode`, `base64_encode`, `parse_json`,
 * `parse_yaml`, `path_canonicalize`, `semver_compare`, `lookup`, `items`, `object_from_lists`,
 * `sha256`, `sha1`, `md5` (pkg/engine/jmespath/functions.go).
 */
import { createHash } from 'node:crypto';
import { TYPE_ARRAY, TYPE_NUMBER, TYPE_OBJECT, TYPE_STRING } from '@jmespath-community/jmespath';
import { parse as parseYaml } from 'yaml';
import { JmespathFunctionError } from '../../errors';
import { parseSemver, parseSemverRange } from '../../values/semver';
import type { FunctionDefinition } from './types';

const S = { types: [TYPE_STRING] };

function base64Decode(s: string): string {
  // Go's StdEncoding is strict: padded standard alphabet only.
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) {
    throw new JmespathFunctionError('base64_decode', 'illegal base64 data');
  }
  return Buffer.from(s, 'base64').toString('utf8');
}

/** Go `filepath.Join(p)` on a single path: lexical Clean, empty stays empty. */
function canonicalPath(p: string): string {
  if (p === '') return '';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

/** Kyverno's `ifaceToString` for keys of `object_from_lists`. */
function keyString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new JmespathFunctionError('object_from_lists', 'error, undefined type cast');
}

export const CONVERSION_FUNCTIONS: FunctionDefinition[] = [
  {
    name: 'to_boolean',
    signature: [S],
    fn: ([s]: [string]) => {
      const lower = s.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw new JmespathFunctionError('to_boolean', `lowercase argument must be 'true' or 'false' (provided: '${s}')`);
    },
  },
  { name: 'base64_decode', signature: [S], fn: ([s]: [string]) => base64Decode(s) },
  { name: 'base64_encode', signature: [S], fn: ([s]: [string]) => Buffer.from(s, 'utf8').toString('base64') },
  {
    name: 'parse_json',
    signature: [S],
    fn: ([s]: [string]) => {
      try {
        return JSON.parse(s);
      } catch (e) {
        throw new JmespathFunctionError('parse_json', (e as Error).message);
      }
    },
  },
  {
    name: 'parse_yaml',
    signature: [S],
    fn: ([s]: [string]) => {
      try {
        return JSON.parse(JSON.stringify(parseYaml(s) ?? null));
      } catch (e) {
        throw new JmespathFunctionError('parse_yaml', (e as Error).message);
      }
    },
  },
  { name: 'path_canonicalize', signature: [S], fn: ([s]: [string]) => canonicalPath(s) },
  {
    name: 'semver_compare',
    signature: [S, S],
    fn: ([version, range]: [string, string]) => {
      const v = parseSemver(version);
      if (!v) throw new JmespathFunctionError('semver_compare', `Invalid version ${version}`);
      const r = parseSemverRange(range);
      if (!r) throw new JmespathFunctionError('semver_compare', `Invalid range ${range}`);
      return r(v);
    },
  },
  {
    name: 'lookup',
    signature: [{ types: [TYPE_OBJECT, TYPE_ARRAY] }, { types: [TYPE_STRING, TYPE_NUMBER] }],
    fn: ([collection, key]: [unknown, string | number]) => {
      if (Array.isArray(collection)) {
        if (typeof key !== 'number') throw new JmespathFunctionError('lookup', '2 argument is expected of number type');
        if (!Number.isInteger(key)) throw new JmespathFunctionError('lookup', 'Non-integer argument(s) passed for lookup');
        return key >= 0 && key < collection.length ? collection[key] : null;
      }
      if (typeof key !== 'string') throw new JmespathFunctionError('lookup', '2 argument is expected of string type');
      const obj = collection as Record<string, unknown>;
      return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : null;
    },
  },
  {
    name: 'items',
    signature: [{ types: [TYPE_OBJECT, TYPE_ARRAY] }, S, S],
    fn: ([input, keyName, valueName]: [unknown, string, string]) => {
      if (Array.isArray(input)) return input.map((v, i) => ({ [keyName]: i, [valueName]: v }));
      const obj = input as Record<string, unknown>;
      return Object.keys(obj)
        .sort()
        .map((k) => ({ [keyName]: k, [valueName]: obj[k] }));
    },
  },
  {
    name: 'object_from_lists',
    signature: [{ types: [TYPE_ARRAY] }, { types: [TYPE_ARRAY] }],
    fn: ([keys, values]: [unknown[], unknown[]]) =>
      Object.fromEntries(keys.map((k, i) => [keyString(k), i < values.length ? values[i] : null])),
  },
  { name: 'sha256', signature: [S], fn: ([s]: [string]) => createHash('sha256').update(s).digest('hex') },
  { name: 'sha1', signature: [S], fn: ([s]: [string]) => createHash('sha1').update(s).digest('hex') },
  { name: 'md5', signature: [S], fn: ([s]: [string]) => createHash('md5').update(s).digest('hex') },
];
