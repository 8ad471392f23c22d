/**
 * Test-only access to the Notary Project vectors kept in `test/fixtures`
 * (`notation-go/cases.json`, `notation-cli/expected.json`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath } from '../../../../test/support/fixtures';

/** The fixtures folder holding both vector sets. */
export const VECTORS_DIR = fixturePath();
export const NOTATION_GO_DIR = join(VECTORS_DIR, 'notation-go');
export const NOTATION_CLI_DIR = join(VECTORS_DIR, 'notation-cli');

export interface ExpectedResult {
  type: string;
  action: string;
  error: string | null;
}

export interface NotationGoCase {
  id: string;
  kind: 'oci-envelope' | 'oci-layout' | 'blob' | 'policy-validate';
  description: string;
  policy: string;
  policyType?: 'oci' | 'blob';
  truststore?: string;
  envelope?: string;
  signatureMediaType?: string;
  target?: string;
  artifactReference?: string;
  layout?: string;
  maxSignatureAttempts?: number;
  blob?: string;
  contentMediaType?: string;
  trustPolicyName?: string;
  userMetadata?: Record<string, string>;
  tsaRevocation?: 'stub-ok';
  expected: {
    verdict: 'valid' | 'invalid' | 'policy-valid' | 'policy-invalid';
    error: string | null;
    verificationLevel?: string;
    results?: ExpectedResult[];
  };
}

export function notationGoCases(): NotationGoCase[] {
  const document = JSON.parse(readFileSync(join(NOTATION_GO_DIR, 'cases.json'), 'utf8')) as { cases: NotationGoCase[] };
  return document.cases;
}

export function notationGoPath(relative: string): string {
  return join(NOTATION_GO_DIR, relative);
}

export interface NotationCliCase {
  envelope: string;
  trustAnchors: string[];
  target: { mediaType: string; digest: string; size: number };
  expected: 'valid' | 'invalid';
  notationReason: string | null;
  notationOutput: string;
}

export function notationCliCases(): Array<[string, NotationCliCase]> {
  const document = JSON.parse(readFileSync(join(NOTATION_CLI_DIR, 'expected.json'), 'utf8')) as Record<string, NotationCliCase>;
  return Object.entries(document);
}
