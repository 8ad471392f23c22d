/**
 * `kinds` entries of a match filter (KV@v1.14.0:pkg/utils/kube/kind.go `ParseKindSelector`,
 * pkg/utils/match/kind.go `CheckKind`; reference §2.2).
 */
import { wildcardMatch } from '../wildcard';

export interface KindSelector {
  group: string;
  version: string;
  kind: string;
  subresource: string;
}

/** The request's top-level group/version/kind and subresource ("" when none). */
export interface RequestKind {
  group: string;
  version: string;
  kind: string;
  subresource: string;
}

// 1.13–1.15 accept a single digit only (`v10` is not a version here; later releases take `v\d+`).
const VERSION = /^(v\d((alpha|beta)\d)?|\*)$/;

/**
 * Split on `/`, then split the last segment on `.` (so `Pod.ephemeralcontainers` ≡ `Pod/ephemeralcontainers`),
 * and read 1–4 parts as Kyverno does; more than four parts give "" everywhere (matches only "").
 */
export function parseKindSelector(input: string): Readonly<KindSelector> {
  // A pure function of the string, asked for each `kinds` entry on every admission: the entries come from the
  // policies (few, fixed per load), so the parses are kept, bounded in case selectors are ever built per request.
  let parsed = parsedSelectors.get(input);
  if (parsed === undefined) {
    if (parsedSelectors.size >= MAX_PARSED_SELECTORS) parsedSelectors.clear();
    parsed = Object.freeze(parseKindSelectorOnce(input));
    parsedSelectors.set(input, parsed);
  }
  return parsed;
}

const MAX_PARSED_SELECTORS = 1_024;
const parsedSelectors = new Map<string, Readonly<KindSelector>>();

function parseKindSelectorOnce(input: string): KindSelector {
  const slashParts = input.split('/');
  const last = slashParts.pop()!;
  const parts = [...slashParts, ...last.split('.')];
  const at = (i: number) => parts[i]!;
  switch (parts.length) {
    case 1:
      return { group: '*', version: '*', kind: at(0), subresource: '' };
    case 2:
      if (at(0) === '*' && at(1) === '*') return { group: '*', version: '*', kind: '*', subresource: '*' };
      // `*/scale`: an all-lower-case second part after `*` is a subresource of any kind.
      if (at(0) === '*' && at(1).toLowerCase() === at(1)) return { group: '*', version: '*', kind: '*', subresource: at(1) };
      if (VERSION.test(at(0))) return { group: '*', version: at(0), kind: at(1), subresource: '' };
      return { group: '*', version: '*', kind: at(0), subresource: at(1) };
    case 3:
      if (VERSION.test(at(0))) return { group: '*', version: at(0), kind: at(1), subresource: at(2) };
      return { group: at(0), version: at(1), kind: at(2), subresource: '' };
    case 4:
      return { group: at(0), version: at(1), kind: at(2), subresource: at(3) };
    default:
      return { group: '', version: '', kind: '', subresource: '' };
  }
}

/**
 * CheckKind: any entry whose group, version, kind and subresource all wildcard-match. An entry without a
 * subresource matches only a request without one, except that with `allowEphemeralContainers` (the engine
 * and exceptions pass true in 1.13–1.15) core/v1 Pod with subresource `ephemeralcontainers` also matches
 * a plain `Pod` entry — so `kubectl debug` is covered by policies written for Pods.
 */
export function checkKind(kinds: readonly string[], request: RequestKind, allowEphemeralContainers: boolean): boolean {
  return kinds.some((entry) => {
    const selector = parseKindSelector(entry);
    if (!wildcardMatch(selector.group, request.group) || !wildcardMatch(selector.version, request.version) || !wildcardMatch(selector.kind, request.kind)) {
      return false;
    }
    if (wildcardMatch(selector.subresource, request.subresource)) return true;
    return (
      allowEphemeralContainers &&
      request.group === '' &&
      request.version === 'v1' &&
      request.kind === 'Pod' &&
      request.subresource === 'ephemeralcontainers'
    );
  });
}
