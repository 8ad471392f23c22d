/**
 * The standalone gateway (distributed mode): jobs go to the workers over NATS.
 * Flags override the environment variable of the same meaning (GATEWAY_FLAGS).
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { MessagingModule } from '@notary-gate/messaging';
import { ConfigError, natsClientOptions, processEnvironment } from '@notary-gate/service';
import { bootstrapGateway } from './bootstrap';
import { GATEWAY_FLAGS, loadGatewayConfig } from './config';

async function main(): Promise<void> {
  const program = new Command('notary-gate-gateway')
    .description('notary-gate admission webhook (distributed mode: requires NATS_URL)')
    .option('--port <n>', 'HTTPS port (PORT)')
    .option('--tls-cert <file>', 'PEM certificate (TLS_CERT_FILE)')
    .option('--tls-key <file>', 'PEM private key (TLS_KEY_FILE)')
    .option('--policies <dir>', 'policy directory (POLICY_DIR)')
    .option('--configmaps <dir>', 'ConfigMap manifests for context entries (CONFIGMAP_DIR)')
    .parse();
  const flags = program.opts<Partial<Record<keyof typeof GATEWAY_FLAGS, string>>>();
  const overrides = Object.fromEntries(
    Object.entries(GATEWAY_FLAGS).flatMap(([flag, variable]) => (flags[flag as keyof typeof GATEWAY_FLAGS] !== undefined ? [[variable, flags[flag as keyof typeof GATEWAY_FLAGS]]] : [])),
  );
  const config = loadGatewayConfig({ ...processEnvironment(), ...overrides }, { requireNats: true });
  const gateway = await bootstrapGateway(config, {
    messaging: MessagingModule.forRoot(natsClientOptions(config, 'notary-gate-gateway')),
    opsServer: true,
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void gateway.close().then(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  // Configuration errors list every bad variable; anything else is a failed start.
  const message = error instanceof ConfigError ? error.message : `gateway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
