/**
 * `createJmespath()`: a JMESPath engine in Kyverno's dialect with Kyverno's custom functions
 * (pkg/engine/jmespath; kyverno-notary-spec §5). Each instance owns its function table and clock.
 */
import { compile, type JSONValue } from '@jmespath-community/jmespath';
import { PolicyError } from '../errors';
import { ARITHMETIC_FUNCTIONS } from './functions/arithmetic';
import { CONVERSION_FUNCTIONS } from './functions/conversion';
import { IMAGE_FUNCTIONS } from './functions/image';
import { REGEX_FUNCTIONS } from './functions/regex';
import { STRING_FUNCTIONS } from './functions/strings';
import { timeFunctions } from './functions/time';
import { X509_FUNCTIONS } from './functions/x509';
import { KyvernoInterpreter } from './interpreter';

export interface JmespathOptions {
  /** The clock read by `time_now`, `time_now_utc` and `time_since` with an empty end time. */
  readonly now?: () => Date;
}

export interface Jmespath {
  /**
   * Evaluates `expression` against `data`. Throws `PolicyError`: `ERR_POLICY_JMESPATH_NOT_FOUND`
   * (`Unknown key "k" in path`), `ERR_POLICY_JMESPATH_FUNCTION`, or `ERR_POLICY_JMESPATH` for parse and
   * other evaluation errors.
   */
  search(expression: string, data: unknown): unknown;
  /** Names of the Kyverno custom functions registered on this instance. */
  readonly customFunctions: readonly string[];
}

const COMPILED = new Map<string, ReturnType<typeof compile>>();

function compileCached(expression: string) {
  let ast = COMPILED.get(expression);
  if (!ast) {
    // Kyverno's go-jmespath accepts legacy backtick literals that are not valid JSON (as strings).
    ast = compile(expression, { enable_legacy_literals: true });
    if (COMPILED.size > 1000) COMPILED.clear();
    COMPILED.set(expression, ast);
  }
  return ast;
}

export function createJmespath(options: JmespathOptions = {}): Jmespath {
  const interpreter = new KyvernoInterpreter();
  const definitions = [
    ...STRING_FUNCTIONS,
    ...REGEX_FUNCTIONS,
    ...ARITHMETIC_FUNCTIONS,
    ...CONVERSION_FUNCTIONS,
    ...IMAGE_FUNCTIONS,
    ...X509_FUNCTIONS,
    ...timeFunctions({ now: options.now ?? (() => new Date()) }),
  ];
  for (const d of definitions) interpreter.define(d.name, d.signature, d.fn);
  return {
    customFunctions: definitions.map((d) => d.name),
    search(expression, data) {
      try {
        return interpreter.search(compileCached(expression), data as JSONValue);
      } catch (e) {
        if (e instanceof PolicyError) throw e;
        throw new PolicyError('ERR_POLICY_JMESPATH', (e as Error).message, { cause: e });
      }
    },
  };
}
