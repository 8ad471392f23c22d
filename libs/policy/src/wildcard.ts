/**
 * Kyverno's wildcard matching (ext/wildcard, the MinIO algorithm; kyverno-notary-spec §4.1):
 * `*` matches any run of characters (also an empty one), `?` exactly one character; no escapes;
 * case-sensitive; per code point. An empty pattern matches only the empty string.
 * Used by the Equals/In operator families, `pattern_match`, and image reference matching.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  if (pattern === '') return text === '';
  if (pattern === '*') return true;
  const p = Array.from(pattern);
  const s = Array.from(text);
  // Greedy match with single-star backtracking: equivalent to the recursive definition, linear-ish time.
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const pc = p[pi];
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
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** True when `text` matches any of the patterns. */
export function wildcardMatchAny(patterns: readonly string[], text: string): boolean {
  return patterns.some((pattern) => wildcardMatch(pattern, text));
}
