/**
 * The floor of the admission benchmark: a bare Node HTTPS server that does
 * the least any webhook must do — read the body, parse the AdmissionReview,
 * answer `allowed` with a JSONPatch pinning the first container's image —
 * and nothing else (no framework, no policy, no log, no metric). Every
 * scenario's warm throughput is stated as a share of this one's, measured in
 * the same run on the same machine.
 *
 * Run as its own process (like the gateway under test, so each has its own
 * event loop and the load generator its own):
 *   node dist/bench/support/bare-responder.js <cert.pem> <key.pem>
 * It prints one JSON line `{"msg":"bare listening","port":N}` on stdout.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

const PINNED_DIGEST = `sha256:${'0'.repeat(64)}`;

interface Review {
  request?: { uid?: unknown; object?: { spec?: { containers?: { image?: unknown }[] } } };
}

/** The answer of the floor: allowed, with the patch a pinning webhook sends. */
export function bareAnswer(body: string): string {
  const review = JSON.parse(body) as Review;
  const uid = review.request?.uid;
  const image = String(review.request?.object?.spec?.containers?.[0]?.image ?? '');
  const patch = [{ op: 'replace', path: '/spec/containers/0/image', value: `${image.split(':')[0]}@${PINNED_DIGEST}` }];
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') },
  });
}

function main(): void {
  const [certFile, keyFile] = process.argv.slice(2);
  if (!certFile || !keyFile) throw new Error('usage: bare-responder <cert.pem> <key.pem>');
  const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let answer: string;
      try {
        answer = bareAnswer(Buffer.concat(chunks).toString('utf8'));
      } catch {
        response.writeHead(400).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      response.end(answer);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ msg: 'bare listening', port: (server.address() as AddressInfo).port })}\n`);
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

if (require.main === module) main();
