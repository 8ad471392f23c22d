/** The `rel="next"` target of an RFC 8288 `Link` header (distribution spec §Listing Referrers pagination). */
export function nextLink(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const match of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const params = match[2] ?? '';
    if (/;\s*rel\s*=\s*"?([^";,]*\s)?next(\s[^";,]*)?"?/i.test(params)) return match[1];
  }
  return undefined;
}
