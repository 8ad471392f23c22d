/** Jest global teardown: stop what global-setup started with testcontainers (nothing when the local services were used). */
export default async function globalTeardown(): Promise<void> {
  const started = globalThis.__notaryGateContainers ?? [];
  await Promise.all(started.map((container) => container.stop()));
}
