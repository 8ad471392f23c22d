// Lint: typescript-eslint's recommended rules plus the dependency rules of
// DESIGN.md ("Dependency rules"), enforced as import restrictions per folder.
import tseslint from 'typescript-eslint';

const framework = [
  { group: ['@nestjs/*'], message: 'Domain libs are plain TypeScript: no Nest (DESIGN.md).' },
  { group: ['nats', 'ioredis', 'redis'], message: 'Domain libs know no transport or cache (DESIGN.md).' },
  { group: ['@notary-gate/messaging', '@notary-gate/cache'], message: 'Domain libs must not import messaging or cache.' },
  { group: ['**/apps/**', 'apps/*'], message: 'A lib never imports an app.' },
];

const restrict = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**', 'bin/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in one config module only (STYLE.md §10).' }],
    },
  },
  restrict(['libs/oci/**/*.ts'], [...framework, { group: ['@notary-gate/notary', '@notary-gate/policy', '@notary-gate/admission', '@notary-gate/engine'], message: 'oci is the bottom layer: it knows no signatures or policies.' }]),
  restrict(['libs/notary/**/*.ts'], [...framework, { group: ['@notary-gate/policy', '@notary-gate/admission', '@notary-gate/engine'], message: 'notary depends only on oci.' }]),
  restrict(['libs/policy/**/*.ts'], [...framework, { group: ['@notary-gate/notary', '@notary-gate/oci', '@notary-gate/engine', '@notary-gate/admission'], message: 'Policy semantics know no crypto and no registry.' }]),
  restrict(['libs/admission/**/*.ts'], [...framework, { group: ['@notary-gate/notary', '@notary-gate/engine'], message: 'admission formats requests and verdicts only.' }]),
  restrict(['libs/engine/**/*.ts'], [...framework, { group: ['@notary-gate/notary', '@notary-gate/oci'], message: 'The engine asks workers through the jobs port; it verifies nothing itself.' }]),
  restrict(['libs/cache/**/*.ts', 'libs/messaging/**/*.ts'], [{ group: ['@notary-gate/oci', '@notary-gate/notary', '@notary-gate/policy', '@notary-gate/admission', '@notary-gate/engine', '@notary-gate/workers', '**/apps/**'], message: 'cache and messaging depend only on contracts (DESIGN.md).' }]),
  restrict(['libs/workers/**/*.ts'], [{ group: ['@nestjs/*', 'nats', 'ioredis', '@notary-gate/messaging', '@notary-gate/engine', '@notary-gate/admission', '**/apps/**'], message: 'Worker functions compose oci, notary and policy; they know no transport and no orchestration.' }]),
  restrict(['libs/contracts/**/*.ts'], [{ group: ['@notary-gate/*', '**/libs/**', '**/apps/**'], message: 'contracts imports nothing of ours.' }]),
  restrict(['libs/worker-host/**/*.ts'], [{ group: ['@notary-gate/engine', '@notary-gate/admission', '**/apps/**'], message: 'worker-host hosts the worker functions: no orchestration, and a lib never imports an app.' }]),
  restrict(['apps/discovery/**/*.ts', 'apps/signature-verifier/**/*.ts', 'apps/attestation-evaluator/**/*.ts'], [{ group: ['**/apps/**', '@notary-gate/engine', '@notary-gate/admission'], message: 'A worker imports no other app (never the gateway) and runs no orchestration.' }]),
  restrict(['apps/gateway/**/*.ts'], [{ group: ['@notary-gate/notary', '**/apps/signature-verifier/**', '**/apps/discovery/**', '**/apps/attestation-evaluator/**'], message: 'The gateway verifies nothing itself and imports no worker.' }]),
  {
    // The one place allowed to read the environment, and test support.
    files: ['apps/**/config/**/*.ts', 'apps/**/config.ts', 'libs/service/src/config/**/*.ts', 'apps/cli/src/support/config.ts', 'test/**/*.ts', '**/*.spec.ts', '**/test-support.ts', '**/testing/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
