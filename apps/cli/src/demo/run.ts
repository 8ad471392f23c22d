/**
 * `notary-gate demo`: the whole story offline, in one process. It builds the
 * throwaway world (world.ts), starts the real embedded webhook (`serve`'s own
 * start-up: gateway and workers in-process, HTTPS) with the example policies,
 * the world's CA in place of their placeholder, and `--registry-mirror
 * ghcr.io=oci-layout:<world>/registry`, then sends it the example
 * AdmissionReviews over TLS (verified against the webhook's certificate) as
 * the kube-apiserver would, and prints each decision: Kyverno's message for a
 * denial, the digest pin for an admission. Exit 0 when every decision is
 * the one the policies call for, 1 otherwise.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { applyPatch, type AdmissionRequest, type AdmissionReviewResponse, type JsonPatchOperation } from '@notary-gate/admission';
import { startServe } from '../commands/serve';
import type { CliContext } from '../support/context';
import { ExitStatus, UsageError } from '../support/errors';
import { DEMO_SCENARIOS, type DemoScenario } from './scenarios';
import { buildDemoWorld, DEMO_REGISTRY, DEMO_REPOSITORY, DEMO_TAGS, type DemoWorld } from './world';

export interface DemoOptions {
  /** Keep the world in this directory (new or empty) instead of a temporary one. */
  keep?: string;
  /** The examples directory (policies, configmaps, admission-reviews); default the one shipped beside the CLI. */
  examples?: string;
}

type ReviewResponse = AdmissionReviewResponse['response'];

/** The `examples/` directory of this installation: the nearest one up from the compiled CLI. */
export function findExamples(from: string = __dirname): string | undefined {
  for (let directory = from; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'examples', 'policies'))) return join(directory, 'examples');
    if (dirname(directory) === directory) return undefined;
  }
}

export async function runDemo(options: DemoOptions, context: CliContext): Promise<number> {
  const examples = options.examples !== undefined ? resolve(options.examples) : findExamples();
  if (examples === undefined || !existsSync(join(examples, 'policies'))) {
    throw new UsageError(`no examples directory with policies/ found${options.examples === undefined ? ' beside the CLI' : ` at "${options.examples}"`}: pass --examples <dir>`);
  }
  const directory = options.keep !== undefined ? prepareKeep(options.keep) : mkdtempSync(join(tmpdir(), 'notary-gate-demo-'));
  const out = (line = ''): void => void context.stdout.write(`${line}\n`);
  const logs: string[] = [];
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    const world = await buildDemoWorld(directory, examples, context.now());
    const mirror = `${DEMO_REGISTRY}=oci-layout:${world.registryDirectory}`;
    serve = await startServe(
      { insecureRegistry: [] },
      {
        POLICY_DIR: world.policyDirectory,
        CONFIGMAP_DIR: world.configMapDirectory,
        REGISTRY_MIRRORS: mirror,
        HOST: '127.0.0.1',
        PORT: '0',
        OPS_PORT: '0',
        OPS_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // The world's certificates name no OCSP or CRL URL; offline makes sure nothing is asked of the network.
        REVOCATION_CHECK: 'offline',
        RESCAN_INTERVAL: '0',
        KUBERNETES_CONFIGMAPS: 'false',
        KUBERNETES_POLICIES: 'false',
        // The user's own registry credentials have nothing to do with the demo.
        DOCKER_CONFIG: join(directory, 'docker'),
      },
      { write: (text: string) => void logs.push(text) },
    );
    const gateway = serve.gateway;
    if (gateway === undefined) throw new Error('the embedded serve started no gateway');
    const ca = gateway.certificate();
    await waitReady(gateway.url, ca);

    const policies = readdirSync(world.policyDirectory).sort();
    out("notary-gate demo: Kyverno's Notary verifyImages policies, enforced offline by the real webhook");
    out();
    out(`  world      ${directory}${options.keep === undefined ? ' (deleted on exit; --keep <dir> keeps it)' : ''}`);
    out(`  trust      ${world.ca.certificate.subject} — a throwaway CA made now, in place of the examples' placeholder`);
    out(`  images     ${DEMO_REGISTRY}/${DEMO_REPOSITORY}:{${DEMO_TAGS.join(',')}}, signed and attested by notary-gate's own signer`);
    out(`  registry   --registry-mirror ${mirror} (an OCI layout: no network, no registry process)`);
    out(`  policies   ${policies.join(', ')} (from ${join(examples, 'policies')})`);
    out(`  webhook    ${gateway.url} (embedded: gateway and workers in this process; TLS verified against its certificate)`);

    let unexpected = 0;
    const tally = { allowed: 0, denied: 0 };
    for (const [index, scenario] of DEMO_SCENARIOS.entries()) {
      const admission = readReview(join(examples, 'admission-reviews', scenario.review));
      const object = admission.object as { metadata?: { name?: string; namespace?: string }; spec?: { containers?: Array<{ image?: string }> } };
      const image = object.spec?.containers?.[0]?.image ?? '?';
      out();
      out(`[${index + 1}/${DEMO_SCENARIOS.length}] ${admission.kind.kind} ${admission.namespace ?? ''}/${admission.name ?? ''}  ${image}`);
      out(`      ${scenario.story}`);
      const response = await post(gateway.url, '/mutate', admission, ca);
      tally[response.allowed ? 'allowed' : 'denied'] += 1;
      const problems = describe(response, scenario, world, out);
      if (response.allowed && scenario.pins !== undefined) {
        // The validating phase, as the apiserver runs it after mutation: the pinned pod, verified again.
        const mutated = applyPatch(admission.object, patchOf(response)) as AdmissionRequest['object'];
        const validated = await post(gateway.url, '/validate', { ...admission, uid: `${admission.uid}-validate`, object: mutated }, ca);
        out(`      → ${validated.allowed ? 'ALLOWED' : 'DENIED'} by /validate (the pinned pod, verified again)`);
        if (!validated.allowed) problems.push(`/validate denied the pinned pod: ${validated.status?.message ?? ''}`);
      }
      for (const problem of problems) out(`      ✗ unexpected: ${problem}`);
      unexpected += problems.length;
    }
    out();
    if (unexpected > 0) {
      out(`${unexpected} decision(s) differ from what the policies call for. The webhook's warnings and errors:`);
      for (const line of logs) context.stdout.write(line);
      return ExitStatus.failed;
    }
    out(`${DEMO_SCENARIOS.length} admissions decided as the policies say: ${tally.allowed} allowed, ${tally.denied} denied.`);
    out('Next: examples/README.md runs the same policies in a kind or k3d cluster.');
    return ExitStatus.ok;
  } finally {
    await serve?.close();
    if (options.keep === undefined) rmSync(directory, { recursive: true, force: true });
  }
}

/** Prints one /mutate decision; returns what differs from the scenario. */
function describe(response: ReviewResponse, scenario: DemoScenario, world: DemoWorld, out: (line?: string) => void): string[] {
  const problems: string[] = [];
  if (response.allowed) {
    const pin = patchOf(response).find((operation) => operation.op === 'replace' && /\/containers\/\d+\/image$/.test(operation.path));
    out(`      → ALLOWED by /mutate${pin ? ', image pinned to the verified digest:' : ', unchanged'}`);
    if (pin) out(`        ${String(pin.value)}`);
    for (const warning of response.warnings ?? []) out(`        warning: ${warning}`);
    if (scenario.pins !== undefined) {
      const digest = world.images[scenario.pins].digest;
      if (!pin || !String(pin.value).endsWith(`@${digest}`)) problems.push(`expected the image pinned to ${digest}`);
    }
  } else {
    out(`      → DENIED (${response.status?.code ?? '?'}) with Kyverno's message:`);
    for (const line of (response.status?.message ?? '').replace(/^\n+/, '').replace(/\n+$/, '').split('\n')) out(`        ${line}`.trimEnd());
  }
  const decision = response.allowed ? 'allowed' : 'denied';
  if (decision !== scenario.expect) problems.push(`expected ${scenario.expect}, got ${decision}`);
  for (const words of decision === 'denied' ? (scenario.because ?? []) : []) {
    if (!(response.status?.message ?? '').includes(words)) problems.push(`expected the message to say "${words}"`);
  }
  return problems;
}

function prepareKeep(path: string): string {
  const directory = resolve(path);
  if (existsSync(directory) && readdirSync(directory).length > 0) throw new UsageError(`--keep "${path}": the directory is not empty`);
  mkdirSync(directory, { recursive: true });
  return directory;
}

function readReview(path: string): AdmissionRequest {
  const review = JSON.parse(readFileSync(path, 'utf8')) as { kind?: string; request?: AdmissionRequest };
  if (review.kind !== 'AdmissionReview' || review.request === undefined) throw new UsageError(`${path} is not an AdmissionReview with a request`);
  return review.request;
}

function patchOf(response: ReviewResponse): JsonPatchOperation[] {
  return response.patch === undefined ? [] : (JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as JsonPatchOperation[]);
}

/** One HTTPS exchange with the webhook, its certificate as the only trusted CA. */
function exchange(url: string, path: string, ca: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const outgoing = request(
      `${url}${path}`,
      { method: body === undefined ? 'GET' : 'POST', ca, headers: body === undefined ? {} : { 'content-type': 'application/json' }, timeout: 35_000 },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => resolvePromise({ status: incoming.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        incoming.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${path}: no answer within 35 s`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function post(url: string, path: '/mutate' | '/validate', admission: AdmissionRequest, ca: string): Promise<ReviewResponse> {
  const { status, text } = await exchange(url, path, ca, JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: admission }));
  if (status !== 200) throw new Error(`${path} answered HTTP ${status}: ${text}`);
  const review = JSON.parse(text) as AdmissionReviewResponse;
  if (review.response?.uid !== admission.uid) throw new Error(`${path} answered another review than ${admission.uid}`);
  return review.response;
}

/** Until /readyz says the policies are loaded (a first good load), at most 15 s; a load that failed ends the wait at once. */
async function waitReady(url: string, ca: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = '';
  while (Date.now() < deadline) {
    const { status, text } = await exchange(url, '/readyz', ca);
    if (status === 200) return;
    const failed = failedCheck(text);
    if (failed !== undefined) throw new UsageError(`the webhook cannot start with these examples: ${failed}`);
    last = text;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`the webhook did not become ready within 15 s: ${last}`);
}

/** The detail of a /readyz check that failed for good (a policy or ConfigMap file that does not load), if any. */
function failedCheck(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { checks?: Array<{ ok?: boolean; detail?: string }> };
    return body.checks?.find((check) => check.ok === false && /failed/.test(check.detail ?? ''))?.detail;
  } catch {
    return undefined;
  }
}
