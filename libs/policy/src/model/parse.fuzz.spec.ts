/**
 * Robustness of policy loading: the seed policies (seed/policies/*.yaml)
 * mutated at the YAML text level (lines dropped, duplicated, re-indented,
 * YAML syntax injected, anchors and alias bombs, truncation) and at the
 * object level (values at random paths replaced by other types, keys
 * dropped, huge lists). `parsePolicyDocuments` either returns or throws a
 * PolicyDocumentError (ERR_POLICY_INVALID) whose message names the file and
 * where — never another exception, never slowly. Deterministic: fixed seeds
 * and counts (test/support/fuzz.ts to replay).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { Rng, fuzzSeed, jsonPaths, jsonWith, randomJson, replaceOrDrop, runFuzz, type Json } from '../../../../test/support/fuzz';
import { fixturePath } from '../../../../test/support/fixtures';
import { PolicyDocumentError } from './errors';
import { parsePolicyDocuments } from './parse';

/** Policies load at configuration time, not per admission; a large document may take a while, never pathologically long. */
const MAX_CASE_MS = 250;
const FILES = ['check-image-notary.yaml', 'check-image-sbom-license.yaml', 'check-image-trivy-vex.yaml'];
const SEEDS = FILES.map((file) => ({ file, text: readFileSync(fixturePath('seed/policies', file), 'utf8') }));

function checkLoad(text: string, file: string): 'loaded' | 'refused' {
  try {
    parsePolicyDocuments(text, file);
    return 'loaded';
  } catch (error) {
    if (!(error instanceof PolicyDocumentError)) throw new Error(`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} instead of a PolicyDocumentError`);
    expect(error.code).toBe('ERR_POLICY_INVALID');
    expect(error.source).toBe(file);
    // `file: where: why` — where is a YAML path or `document N`.
    expect(error.path.length).toBeGreaterThan(0);
    expect(error.message.startsWith(`${file}: ${error.path}: `)).toBe(true);
    return 'refused';
  }
}

const SYNTAX = [': ', '- ', '? ', '{', '}', '[', ']', '&a ', '*a', '*undefined', '!!binary ', '!!str ', '!custom ', '|', '>-', '%YAML 1.1\n', '---\n', '...\n', '\t', '#', '"', "'", '@', '`', '\u0000', '\ufeff', '<<: *a'];

function mutateText(text: string, rng: Rng): { mutation: string; input: string } {
  const lines = text.split('\n');
  const at = rng.int(lines.length);
  switch (rng.int(9)) {
    case 0:
      return { mutation: `line ${at} dropped`, input: lines.filter((_, i) => i !== at).join('\n') };
    case 1:
      return { mutation: `line ${at} duplicated`, input: [...lines.slice(0, at + 1), lines[at]!, ...lines.slice(at + 1)].join('\n') };
    case 2: {
      const shift = rng.pick([-4, -2, -1, 1, 2, 3]);
      const line = lines[at]!;
      lines[at] = shift > 0 ? ' '.repeat(shift) + line : line.slice(Math.min(-shift, line.length - line.trimStart().length));
      return { mutation: `line ${at} indented by ${shift}`, input: lines.join('\n') };
    }
    case 3: {
      const token = rng.pick(SYNTAX);
      const line = lines[at]!;
      const column = rng.int(line.length + 1);
      lines[at] = line.slice(0, column) + token + line.slice(column);
      return { mutation: `${JSON.stringify(token)} at ${at}:${column}`, input: lines.join('\n') };
    }
    case 4:
      return { mutation: 'truncated', input: text.slice(0, rng.int(text.length)) };
    case 5: {
      // Anchors and aliases: an alias bomb (billion laughs), a recursive alias, a merge key.
      const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)];
      const choice = rng.pick([
        { what: 'alias bomb document', doc: bomb.join('\n') },
        { what: 'recursive alias', doc: 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: &m\n  name: x\n  self: *m\nspec: &s\n  rules: [*s]' },
        { what: 'recursive list', doc: '&x [*x]' },
        { what: 'merge key', doc: text.replace('spec:', 'base: &base\n  rules: []\nspec:\n  <<: *base') },
      ]);
      return { mutation: choice.what, input: rng.bool() ? choice.doc : `${text}\n---\n${choice.doc}` };
    }
    case 6:
      if (rng.bool(0.3)) {
        const depth = rng.pick([100, 1000, 10_000]);
        const nested = rng.bool() ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
        return { mutation: `flow collection nested ${depth} deep`, input: text.replace(/name: (\S+)/, `name: ${nested}`) };
      }
      return { mutation: 'a second document of garbage', input: `${text}\n---\n${rng.pick(['42', '"text"', '[1, 2]', 'null', '~', '- a\n- b', 'kind: ClusterPolicy\napiVersion: kyverno.io/v1'])}` };
    case 7:
      return { mutation: 'huge scalar', input: text.replace(/name: (\S+)/, `name: ${'n'.repeat(rng.pick([10_000, 200_000]))}`) };
    default: {
      const from = rng.int(text.length);
      const to = rng.int(text.length);
      return { mutation: `chunk @${from} copied to @${to}`, input: text.slice(0, to) + text.slice(from, from + rng.range(1, 200)) + text.slice(to) };
    }
  }
}

function mutateObject(text: string, rng: Rng): { mutation: string; input: string } {
  let value = parseYaml(text) as Json;
  const steps: string[] = [];
  const count = rng.range(1, 3);
  for (let i = 0; i < count; i++) {
    const path = rng.pick(jsonPaths(value));
    if (rng.int(4) < 3) {
      const edited = replaceOrDrop(value, path, rng);
      value = edited.value;
      steps.push(edited.step);
    } else {
      const size = rng.pick([100, 1000]);
      const item = rng.bool() ? (rng.pick(jsonPaths(value)).length > 0 ? randomJson(rng, 2) : 'x') : 'ghcr.io/*';
      value = jsonWith(value, path, Array.from({ length: size }, () => item)) ?? null;
      steps.push(`${path.join('.') || '(root)'} := list of ${size}`);
    }
  }
  return { mutation: steps.join('; '), input: stringifyYaml(value) };
}

describe('policy document fuzzing', () => {
  it('the seed policies load', () => {
    for (const seed of SEEDS) expect(parsePolicyDocuments(seed.text, seed.file).policies).toHaveLength(1);
  });

  it('regression: alias bombs, recursive aliases and non-mapping documents are PolicyDocumentErrors naming the document', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    const cases: Array<[string, string]> = [
      [`${SEEDS[0]!.text}\n---\n${bomb}`, 'p.yaml: document 2: invalid YAML: Excessive alias count indicates a resource exhaustion attack'],
      ['apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: &m\n  name: x\n  self: *m\n', 'p.yaml: document 1: invalid YAML: a recursive alias (the document refers to itself)'],
      ['42', 'p.yaml: document 1: a Kubernetes object must be a mapping, got number 42'],
      [`${SEEDS[0]!.text}\n---\n- a\n- b`, 'p.yaml: document 2: a Kubernetes object must be a mapping, got a list'],
    ];
    for (const [text, message] of cases) {
      const error = (() => {
        try {
          parsePolicyDocuments(text, 'p.yaml');
        } catch (caught) {
          return caught;
        }
        throw new Error(`loaded: ${text}`);
      })();
      expect(error).toBeInstanceOf(PolicyDocumentError);
      expect((error as PolicyDocumentError).message).toBe(message);
    }
  });

  it('YAML-level mutations of the seed policies: a policy or a PolicyDocumentError naming file and path: 1500 cases', async () => {
    const outcomes = { loaded: 0, refused: 0 };
    await runFuzz('policy YAML', {
      seed: fuzzSeed(0x9011c001),
      cases: 1500,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng, index) => {
        const seed = SEEDS[index % SEEDS.length]!;
        const mutated = mutateText(seed.text, rng);
        return { mutation: `${seed.file}: ${mutated.mutation}`, input: { file: seed.file, text: mutated.input } };
      },
      check: ({ file, text }) => void outcomes[checkLoad(text, file)]++,
      show: ({ text }) => JSON.stringify(text),
    });
    expect(outcomes.loaded).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
  });

  it('object-level mutations (types, dropped keys, huge lists): a policy or a PolicyDocumentError naming file and path: 1000 cases', async () => {
    await runFuzz('policy objects', {
      seed: fuzzSeed(0x9011c002),
      cases: 1000,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng, index) => {
        const seed = SEEDS[index % SEEDS.length]!;
        const mutated = mutateObject(seed.text, rng);
        return { mutation: `${seed.file}: ${mutated.mutation}`, input: { file: seed.file, text: mutated.input } };
      },
      check: ({ file, text }) => void checkLoad(text, file),
      show: ({ text }) => JSON.stringify(text.slice(0, 3000)),
    });
  });
});
