/**
 * Semantic versions as github.com/blang/semver/v4 parses and compares them (strict `x.y.z`, optional
 * `-prerelease` and `+build`), plus its range syntax used by Kyverno's `semver_compare`
 * (`>=1.0.0 <2.0.0 || 3.x`, `!1.2.3`).
 */
export interface SemVer {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: Array<string | bigint>;
}

const NUMERIC = /^(0|[1-9]\d*)$/;
const IDENT = /^[0-9A-Za-z-]+$/;

/** `semver.Parse` (strict); undefined when blang would return an error. */
export function parseSemver(input: string): SemVer | undefined {
  const plus = input.indexOf('+');
  let main = plus === -1 ? input : input.slice(0, plus);
  if (plus !== -1) {
    const build = input.slice(plus + 1).split('.');
    if (build.some((b) => !IDENT.test(b))) return undefined;
  }
  let pre: Array<string | bigint> = [];
  const dash = main.indexOf('-');
  if (dash !== -1) {
    const parts = main.slice(dash + 1).split('.');
    for (const p of parts) {
      if (!IDENT.test(p)) return undefined;
      if (/^\d+$/.test(p)) {
        if (!NUMERIC.test(p)) return undefined; // numeric prerelease must not have leading zeros
        pre = [...pre, BigInt(p)];
      } else pre = [...pre, p];
    }
    main = main.slice(0, dash);
  }
  const nums = main.split('.');
  if (nums.length !== 3 || nums.some((n) => !NUMERIC.test(n))) return undefined;
  const [major, minor, patch] = nums.map((n) => BigInt(n)) as [bigint, bigint, bigint];
  return { major, minor, patch, pre };
}

/** `Version.Compare`: -1, 0 or 1. A prerelease sorts before its release. */
export function compareSemver(a: SemVer, b: SemVer): -1 | 0 | 1 {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  if (a.pre.length === 0 && b.pre.length === 0) return 0;
  if (a.pre.length === 0) return 1;
  if (b.pre.length === 0) return -1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i]!;
    const y = b.pre[i]!;
    if (x === y) continue;
    if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : 1;
    if (typeof x === 'bigint') return -1;
    if (typeof y === 'bigint') return 1;
    return x < y ? -1 : 1;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length < b.pre.length ? -1 : 1;
}

type Comparator = (v: SemVer) => boolean;

/**
 * `semver.ParseRange`: OR-groups separated by `||`, AND-ed comparators separated by spaces; operators
 * `>`, `>=`, `<`, `<=`, `=`, `==`, `!`, `!=`; wildcards `x`/`X`/`*` in minor or patch.
 * Undefined when the range does not parse.
 */
export function parseSemverRange(input: string): Comparator | undefined {
  const groups = input.split('||').map((g) => g.trim().split(/\s+/).filter((p) => p !== ''));
  const ors: Comparator[][] = [];
  for (const group of groups) {
    if (group.length === 0) return undefined;
    const ands: Comparator[] = [];
    for (const part of group) {
      const c = parseComparator(part);
      if (!c) return undefined;
      ands.push(...c);
    }
    ors.push(ands);
  }
  return (v) => ors.some((ands) => ands.every((c) => c(v)));
}

function parseComparator(part: string): Comparator[] | undefined {
  const m = /^(>=|<=|!=|==|>|<|=|!)?(.*)$/.exec(part)!;
  const op = m[1] ?? '';
  const text = m[2] ?? '';
  const wild = /^(\d+)(?:\.(x|X|\*|\d+))?(?:\.(x|X|\*|\d+))?$/.exec(text);
  if (wild && (wild[2] === undefined || wild[3] === undefined || /[xX*]/.test(wild[2] + wild[3]))) {
    return expandWildcard(op, wild[1]!, wild[2], wild[3]);
  }
  const v = parseSemver(text);
  if (!v) return undefined;
  return [comparatorFor(op, v)];
}

// blang expands `1.x` to `>=1.0.0 <2.0.0` and `1.2.x` to `>=1.2.0 <1.3.0` (only for `=`/no operator,
// `>=`, `<`, `!`; other operators with wildcards are treated as the lower bound).
function expandWildcard(op: string, major: string, minor?: string, patch?: string): Comparator[] | undefined {
  const isWild = (s?: string) => s === undefined || /^[xX*]$/.test(s);
  const M = BigInt(major);
  let lower: SemVer;
  let upper: SemVer;
  if (isWild(minor)) {
    lower = { major: M, minor: 0n, patch: 0n, pre: [] };
    upper = { major: M + 1n, minor: 0n, patch: 0n, pre: [] };
  } else if (isWild(patch)) {
    const m = BigInt(minor!);
    lower = { major: M, minor: m, patch: 0n, pre: [] };
    upper = { major: M, minor: m + 1n, patch: 0n, pre: [] };
  } else return undefined;
  switch (op) {
    case '':
    case '=':
    case '==':
      return [comparatorFor('>=', lower), comparatorFor('<', upper)];
    case '!':
    case '!=':
      return [(v) => compareSemver(v, lower) < 0 || compareSemver(v, upper) >= 0];
    case '>':
      return [comparatorFor('>=', upper)];
    case '<=':
      return [comparatorFor('<', upper)];
    default:
      return [comparatorFor(op, lower)];
  }
}

function comparatorFor(op: string, ref: SemVer): Comparator {
  switch (op) {
    case '>':
      return (v) => compareSemver(v, ref) > 0;
    case '>=':
      return (v) => compareSemver(v, ref) >= 0;
    case '<':
      return (v) => compareSemver(v, ref) < 0;
    case '<=':
      return (v) => compareSemver(v, ref) <= 0;
    case '!':
    case '!=':
      return (v) => compareSemver(v, ref) !== 0;
    default:
      return (v) => compareSemver(v, ref) === 0;
  }
}
