/**
 * An in-test HTTP(S) server speaking the Kubernetes API's JSON for what the
 * gateway reads and writes: lists with a resourceVersion, watch streams
 * (ADDED / MODIFIED / DELETED / BOOKMARK, and ERROR 410 Gone when the asked
 * resourceVersion was compacted away), gets, Event creation, and Status
 * errors (401, 403, 404). Tests change objects, refuse resources (RBAC),
 * drop watches, compact history and stop the server to see what the real
 * `@kubernetes/client-node` informers make of it.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

type KubeObject = Record<string, unknown> & { metadata: Record<string, unknown> & { name: string; namespace?: string } };

interface ResourceType {
  /** `` for core, else the API group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const RESOURCES: ResourceType[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings', kind: 'RoleBinding', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
  { group: 'kyverno.io', version: 'v1', plural: 'clusterpolicies', kind: 'ClusterPolicy', namespaced: false },
  { group: 'kyverno.io', version: 'v1', plural: 'policies', kind: 'Policy', namespaced: true },
  { group: 'kyverno.io', version: 'v2', plural: 'policyexceptions', kind: 'PolicyException', namespaced: true },
  { group: 'kyverno.io', version: 'v2beta1', plural: 'policyexceptions', kind: 'PolicyException', namespaced: true },
];

interface Change {
  resourceVersion: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** `group/plural` (versions of one resource share their objects). */
  collection: string;
  object: KubeObject;
}

interface Watcher {
  collection: string;
  namespace: string | undefined;
  apiVersion: string;
  response: ServerResponse;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body?: unknown;
}

export interface KubeApiServerOptions {
  /** Serve HTTPS with this certificate (else plain HTTP). */
  tls?: { cert: string; key: string };
  /** Require `Authorization: Bearer <token>`. */
  token?: string;
}

const collectionOf = (type: ResourceType) => `${type.group}/${type.plural}`;
const apiVersionOf = (type: { group: string; version: string }) => (type.group ? `${type.group}/${type.version}` : type.version);
const keyOf = (object: KubeObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;

export class KubeApiServer {
  readonly requests: RecordedRequest[] = [];
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: Change[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly sockets = new Set<Socket>();
  private readonly forbidden = new Map<string, string>();
  private readonly unserved = new Set<string>();
  private readonly stalled = new Set<string>();
  private revision = 100;
  /** Watches from a resourceVersion below this get 410 Gone (history compacted). */
  private compactedBelow = 0;
  private server: Server | undefined;
  private boundPort = 0;

  private constructor(private readonly options: KubeApiServerOptions) {}

  static async start(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
    const api = new KubeApiServer(options);
    await api.listen(0);
    return api;
  }

  get port(): number {
    return this.boundPort;
  }

  /** The latest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.revision;
  }

  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.boundPort}`;
  }

  /** A client configuration for this server (plain HTTP, no credentials). */
  kubeConfig(): KubeConfig {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'test', server: this.url, skipTLSVerify: false }],
      users: [{ name: 'test' }],
      contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
      currentContext: 'test',
    });
    return config;
  }

  /** The same as a kubeconfig file's text (for KUBECONFIG). */
  kubeConfigYaml(): string {
    return this.kubeConfig().exportConfig();
  }

  /** Creates or replaces an object (ADDED or MODIFIED to watchers). `resource` is `group/plural` (core: `/namespaces`). */
  apply(resource: string, object: Record<string, unknown>): KubeObject {
    const type = this.typeOf(resource);
    const copy = structuredClone(object) as KubeObject;
    const store = this.store(collectionOf(type));
    const existing = store.get(keyOf(copy));
    copy.metadata.uid = existing?.metadata['uid'] ?? copy.metadata['uid'] ?? randomUUID();
    copy.metadata.resourceVersion = String(++this.revision);
    copy.metadata['creationTimestamp'] ??= '2026-01-01T00:00:00Z';
    store.set(keyOf(copy), copy);
    this.emit({ resourceVersion: this.revision, type: existing ? 'MODIFIED' : 'ADDED', collection: collectionOf(type), object: copy });
    return copy;
  }

  delete(resource: string, name: string, namespace?: string): void {
    const type = this.typeOf(resource);
    const store = this.store(collectionOf(type));
    const existing = store.get(`${namespace ?? ''}/${name}`);
    if (!existing) return;
    store.delete(`${namespace ?? ''}/${name}`);
    const gone = { ...existing, metadata: { ...existing.metadata, resourceVersion: String(++this.revision) } };
    this.emit({ resourceVersion: this.revision, type: 'DELETED', collection: collectionOf(type), object: gone });
  }

  list(resource: string, namespace?: string): KubeObject[] {
    return [...this.store(collectionOf(this.typeOf(resource))).values()].filter((object) => namespace === undefined || object.metadata.namespace === namespace);
  }

  /** Answers 403 Forbidden (a Kubernetes Status, as RBAC does) for this `group/plural`. */
  forbid(resource: string): void {
    const type = this.typeOf(resource);
    this.forbidden.set(collectionOf(type), `${type.plural}${type.group ? `.${type.group}` : ''} is forbidden: User "system:serviceaccount:notary-gate:notary-gate-gateway" cannot list resource "${type.plural}" in API group "${type.group}" at the cluster scope`);
  }

  allow(resource: string): void {
    this.forbidden.delete(collectionOf(this.typeOf(resource)));
  }

  /** Never answers requests for this `group/plural` (an API server that hangs), until `unstall`. */
  stall(resource: string): void {
    this.stalled.add(collectionOf(this.typeOf(resource)));
  }

  unstall(resource: string): void {
    this.stalled.delete(collectionOf(this.typeOf(resource)));
  }

  /** Answers 404 for one group/version (e.g. `kyverno.io/v2` on a cluster that only serves v2beta1). */
  unserve(groupVersion: string): void {
    this.unserved.add(groupVersion);
  }

  /** BOOKMARK events to every watcher (the resourceVersion moves on, no object changes). */
  bookmark(): void {
    this.revision++;
    for (const watcher of this.watchers) {
      const type = RESOURCES.find((candidate) => collectionOf(candidate) === watcher.collection)!;
      this.write(watcher, { type: 'BOOKMARK', object: { kind: type.kind, apiVersion: watcher.apiVersion, metadata: { resourceVersion: String(this.revision) } } });
    }
  }

  /** Ends every watch stream (as an API server restart or a load balancer timeout does); optionally forgets the history, so re-watching from the old resourceVersion gets 410 Gone and the client must re-list. */
  dropWatches(options: { compact?: boolean } = {}): void {
    if (options.compact) this.compactedBelow = this.revision + 1;
    for (const watcher of this.watchers) watcher.response.end();
    this.watchers.clear();
  }

  /** Compacts the history without dropping watches (a later re-watch from an older version gets 410). */
  compact(): void {
    this.compactedBelow = this.revision + 1;
  }

  openWatches(resource?: string): number {
    const collection = resource ? collectionOf(this.typeOf(resource)) : undefined;
    return [...this.watchers].filter((watcher) => collection === undefined || watcher.collection === collection).length;
  }

  /** Stops answering: connections are refused until `resume()`. */
  async pause(): Promise<void> {
    await this.close();
  }

  async resume(): Promise<void> {
    await this.listen(this.boundPort);
  }

  async stop(): Promise<void> {
    await this.close();
  }

  private typeOf(resource: string): ResourceType {
    const [group, plural] = resource.includes('/') ? (resource.split('/') as [string, string]) : ['', resource];
    const type = RESOURCES.find((candidate) => candidate.group === group && candidate.plural === plural);
    if (!type) throw new TypeError(`KubeApiServer: unknown resource ${resource}`);
    return type;
  }

  private store(collection: string): Map<string, KubeObject> {
    let store = this.objects.get(collection);
    if (!store) this.objects.set(collection, (store = new Map()));
    return store;
  }

  private emit(change: Change): void {
    this.history.push(change);
    for (const watcher of this.watchers) {
      if (watcher.collection !== change.collection) continue;
      if (watcher.namespace !== undefined && change.object.metadata.namespace !== watcher.namespace) continue;
      this.write(watcher, { type: change.type, object: { ...change.object, apiVersion: watcher.apiVersion, kind: RESOURCES.find((type) => collectionOf(type) === change.collection)!.kind } });
    }
  }

  private write(watcher: Watcher, event: unknown): void {
    watcher.response.write(`${JSON.stringify(event)}\n`);
  }

  private listen(port: number): Promise<void> {
    const handler = (request: IncomingMessage, response: ServerResponse) => void this.handle(request, response);
    const server = this.options.tls ? createHttpsServer({ cert: this.options.tls.cert, key: this.options.tls.key }, handler) : createHttpServer(handler);
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.boundPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const watcher of this.watchers) watcher.response.destroy();
    this.watchers.clear();
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const record: RecordedRequest = { method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, authorization: request.headers.authorization };
    this.requests.push(record);
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const status = (code: number, reason: string, message: string) => send(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
    if (this.options.token !== undefined && request.headers.authorization !== `Bearer ${this.options.token}`) return status(401, 'Unauthorized', 'Unauthorized');

    const route = this.route(url.pathname);
    if (!route) return status(404, 'NotFound', 'the server could not find the requested resource');
    const { type, namespace, name } = route;
    if (this.unserved.has(apiVersionOf(type))) return status(404, 'NotFound', 'the server could not find the requested resource');
    const collection = collectionOf(type);
    if (this.stalled.has(collection)) return; // the socket stays open, unanswered (destroyed by pause/stop)
    const denied = this.forbidden.get(collection);
    if (denied) return status(403, 'Forbidden', denied);

    if (request.method === 'POST' && name === undefined) {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as KubeObject;
      record.body = body;
      if (type.namespaced && body.metadata?.namespace !== undefined && body.metadata.namespace !== namespace) {
        return status(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      }
      const created = this.apply(`${type.group}/${type.plural}`, { ...body, metadata: { ...body.metadata, namespace } });
      return send(201, created);
    }
    if (request.method !== 'GET') return status(405, 'MethodNotAllowed', `${request.method} is not supported here`);

    if (name !== undefined) {
      const found = this.store(collection).get(`${type.namespaced ? namespace : ''}/${name}`);
      if (!found) return status(404, 'NotFound', `${type.plural}${type.group ? `.${type.group}` : ''} "${name}" not found`);
      return send(200, { apiVersion: apiVersionOf(type), kind: type.kind, ...found });
    }

    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      const from = Number(url.searchParams.get('resourceVersion') ?? '0');
      response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      const watcher: Watcher = { collection, namespace, apiVersion: apiVersionOf(type), response };
      if (from > 0 && from < this.compactedBelow) {
        // What a real API server streams when the asked version is too old.
        this.write(watcher, { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${from} (${this.compactedBelow})`, reason: 'Expired', code: 410 } });
        response.end();
        return;
      }
      this.watchers.add(watcher);
      response.on('close', () => this.watchers.delete(watcher));
      for (const change of this.history) {
        if (change.resourceVersion <= from || change.collection !== collection) continue;
        if (namespace !== undefined && change.object.metadata.namespace !== namespace) continue;
        this.write(watcher, { type: change.type, object: { ...change.object, apiVersion: apiVersionOf(type), kind: type.kind } });
      }
      return;
    }

    const items = [...this.store(collection).values()].filter((object) => namespace === undefined || object.metadata.namespace === namespace);
    // List items of custom resources carry apiVersion/kind; those of built-in types do not.
    const custom = !['', 'rbac.authorization.k8s.io'].includes(type.group);
    return send(200, {
      apiVersion: apiVersionOf(type),
      kind: `${type.kind}List`,
      metadata: { resourceVersion: String(this.revision) },
      items: items.map((item) => (custom ? { apiVersion: apiVersionOf(type), kind: type.kind, ...item } : item)),
    });
  }

  /** `/api/v1[/namespaces/{ns}]/{plural}[/{name}]`, `/apis/{group}/{version}[/namespaces/{ns}]/{plural}[/{name}]`. */
  private route(path: string): { type: ResourceType; namespace: string | undefined; name: string | undefined } | undefined {
    const parts = path.split('/').filter(Boolean);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') [group, version, rest] = ['', parts[1] ?? '', parts.slice(2)];
    else if (parts[0] === 'apis') [group, version, rest] = [parts[1] ?? '', parts[2] ?? '', parts.slice(3)];
    else return undefined;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const type = RESOURCES.find((candidate) => candidate.group === group && candidate.version === version && candidate.plural === rest[0]);
    if (!type || rest.length > 2 || (namespace !== undefined && !type.namespaced)) return undefined;
    return { type, namespace, name: rest[1] };
  }
}
