/**
 * Kyverno's wildcard matching (ext/wildcard, the MinIO algorithm; kyverno-notary-spec §4.1):
 * `*` matches any run of characters (also an empty one), `?` exactly one character; no escapes;
 * case-sensitive; per code point. An empty pattern matches only the empty string.
 * Used by the Equals/In operator families, `pattern_match`, and image reference matching.
 */
const SURROGATE = /[\uD800-\uDFFF]/;

export function wildcardMatch(pattern: string, text: string): boolean {
  if (pattern === '') return text === '';
  if (pattern === '*') return true;
  // Per code point: strings without surrogates are matched on code units directly (no copies);
  // the others are split into code points first.
  if (!SURROGATE.test(pattern) && !SURROGATE.test(text)) return matchUnits(pattern, text, pattern.length, text.length);
  const p = Array.from(pattern);
  const s = Array.from(text);
  return matchUnits(p, s, p.length, s.length);
}


/** Greedy match with single-star backtracking: equivalent to the recursive definition, linear-ish time. */
function matchUnits(p: string | readonly string[], s: string | readonly string[], pLength: number, sLength: number): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < sLength) {
    const pc = pi < pLength ? p[pi] : undefined;
    if (pc === '*') {
      starP = pi++;
      starS = si;
    } else if (pc !== undefined && (pc === '?' || pc === s[si])) {
      pi++;
      si++;
    } else if (starP !== -1) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (pi < pLength && p[pi] === '*') pi++;
  return pi === pLength;
}

/** True when `text` matches any of the patterns. */
export function wildcardMatchAny(patterns: readonly string[], text: string): boolean {
  return patterns.some((pattern) => wildcardMatch(pattern, text));
}
