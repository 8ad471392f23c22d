/**
 * `notary-gate discover`: the referrer graph of an artifact — its signatures
 * and attestations, and their own referrers (an attestation's signature is a
 * referrer of the attestation) — and its `oras discover` renderings (seed
 * §2).
 *
 * The graph is fetched level by level through the Repository port, each level
 * in parallel (bounded), with a depth bound, a node budget and a cycle guard:
 * a registry can make `subject` links loop (A ← B ← A cannot be built with
 * content addressing, but a referrers index or API response can claim it), and
 * a fan-out of 50 referrers per level would otherwise grow without limit.
 */
import { mapWithConcurrency, type Descriptor, type Repository } from '@notary-gate/oci';
import { encodeGoJson, goMap, goStruct, GoJsonObject } from './go-json';
import { renderTree, treeNode, TreeNode } from './tree';

export interface ReferrerNode {
  /** The referrer's manifest descriptor as the referrers listing gave it (with artifactType and annotations). */
  descriptor: Descriptor;
  referrers: ReferrerNode[];
  /**
   * Set when this node's own referrers were not (all) listed: `depth` — the
   * depth bound was reached; `cycle` — the node already appears on its path
   * from the root; `limit` — the node budget ran out.
   */
  truncated?: 'depth' | 'cycle' | 'limit';
}

export interface ReferrerGraph {
  /** `<registry>/<repository>`, e.g. `ghcr.io/kyverno/test-verify-image`. */
  repository: string;
  subject: Descriptor;
  referrers: ReferrerNode[];
  /** Set when the node budget ran out before all direct referrers were listed. */
  truncated?: 'limit';
}

export interface DiscoverOptions {
  /** Only direct referrers of this artifactType (their own referrers are listed unfiltered). */
  artifactType?: string;
  /** Levels to follow: 1 lists direct referrers only. Default 10. */
  maxDepth?: number;
  /** Most referrers in the whole graph. Default 1000. */
  maxNodes?: number;
  /** Referrers requests in flight at once. Default 8. */
  concurrency?: number;
}

export const DISCOVER_DEFAULTS = { maxDepth: 10, maxNodes: 1000, concurrency: 8 } as const;

/** What `oras discover` prints for a referrer whose artifactType is empty. */
export const UNKNOWN_ARTIFACT_TYPE = '<unknown>';

/** Build the referrer graph of `subject` in `repository`. Registry errors propagate (the graph is then unknown). */
export async function discoverReferrerGraph(repository: Repository, subject: Descriptor, options: DiscoverOptions = {}): Promise<ReferrerGraph> {
  const maxDepth = positiveInteger(options.maxDepth ?? DISCOVER_DEFAULTS.maxDepth, 'maxDepth');
  const maxNodes = positiveInteger(options.maxNodes ?? DISCOVER_DEFAULTS.maxNodes, 'maxNodes');
  const concurrency = positiveInteger(options.concurrency ?? DISCOVER_DEFAULTS.concurrency, 'concurrency');

  const graph: ReferrerGraph = { repository: repository.name, subject, referrers: [] };
  // The same digest reached twice (a DAG) is listed once per path but fetched once.
  const listings = new Map<string, Promise<Descriptor[]>>();
  const list = (digest: string, artifactType: string | undefined): Promise<Descriptor[]> => {
    const key = `${digest} ${artifactType ?? ''}`;
    let listing = listings.get(key);
    if (!listing) {
      listing = repository.referrers(digest, artifactType === undefined ? {} : { artifactType });
      listings.set(key, listing);
    }
    return listing;
  };

  interface Pending {
    digest: string;
    children: ReferrerNode[];
    /** Digests from the root down to this node, itself included. */
    path: ReadonlySet<string>;
    mark(reason: 'depth' | 'limit'): void;
  }
  let frontier: Pending[] = [
    { digest: subject.digest, children: graph.referrers, path: new Set([subject.digest]), mark: (reason) => {
        // The subject's own level is always fetched (maxDepth ≥ 1): only the budget can cut it.
        if (reason === 'limit') graph.truncated = reason;
      } },
  ];
  let budget = maxNodes;

  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const filter = depth === 1 ? options.artifactType : undefined;
    const listed = await mapWithConcurrency(frontier, concurrency, (pending) => list(pending.digest, filter));
    const next: Pending[] = [];
    frontier.forEach((pending, index) => {
      for (const descriptor of listed[index]!) {
        if (budget === 0) {
          pending.mark('limit');
          break;
        }
        budget--;
        const node: ReferrerNode = { descriptor, referrers: [] };
        pending.children.push(node);
        if (pending.path.has(descriptor.digest)) {
          node.truncated = 'cycle';
          continue;
        }
        next.push({
          digest: descriptor.digest,
          children: node.referrers,
          path: new Set([...pending.path, descriptor.digest]),
          mark: (reason) => (node.truncated = reason),
        });
      }
    });
    frontier = next;
  }
  // Whatever is still pending was cut by the depth bound.
  for (const pending of frontier) pending.mark('depth');
  return graph;
}

/** `oras discover -o tree`: `<repository>@<digest>`, referrers grouped by artifactType in first-seen order. */
export function renderDiscoverTree(graph: ReferrerGraph): string {
  return renderTree(treeNode(`${graph.repository}@${graph.subject.digest}`, groupedChildren(graph.referrers)));
}

/**
 * `oras discover --format json` (oras v1.3 model, multi-level): the subject
 * descriptor with its `reference`, and `referrers`, each referrer the same
 * shape with its own `referrers`. Annotations and artifactType are omitted
 * when empty.
 */
export function renderDiscoverJson(graph: ReferrerGraph): string {
  return encodeGoJson(descriptorJson(graph.repository, graph.subject, graph.referrers));
}

function groupedChildren(referrers: ReferrerNode[]): TreeNode[] {
  const groups = new Map<string, TreeNode[]>();
  for (const referrer of referrers) {
    const artifactType = referrer.descriptor.artifactType || UNKNOWN_ARTIFACT_TYPE;
    let group = groups.get(artifactType);
    if (!group) {
      group = [];
      groups.set(artifactType, group);
    }
    group.push(treeNode(referrer.descriptor.digest, groupedChildren(referrer.referrers)));
  }
  return [...groups].map(([artifactType, digests]) => treeNode(artifactType, digests));
}

function descriptorJson(repository: string, descriptor: Descriptor, referrers: ReferrerNode[]): GoJsonObject {
  return goStruct([
    ['reference', `${repository}@${descriptor.digest}`],
    ['mediaType', descriptor.mediaType],
    ['digest', descriptor.digest],
    ['size', descriptor.size],
    ['annotations', descriptor.annotations && Object.keys(descriptor.annotations).length > 0 ? annotationsJson(descriptor.annotations) : undefined],
    ['artifactType', descriptor.artifactType || undefined],
    ['referrers', referrers.map((referrer) => descriptorJson(repository, referrer.descriptor, referrer.referrers))],
  ]);
}

function annotationsJson(annotations: Record<string, string>): GoJsonObject {
  return goMap(Object.entries(annotations));
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
