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

/**
 * The interpreter and its function table are built once per process (the
 * library's built-ins plus Kyverno's, ~100 entries): building them per
 * admission showed in the warm path's profile. What differs between
 * instances is only the clock, so the time functions read the clock of the
 * search under way. A search is synchronous and the functions never search
 * again, so one search at a time uses the shared interpreter; the clock is
 * set on entry and restored on exit (a nested search keeps its own).
 */
let currentClock: () => Date = () => new Date();
let shared: { interpreter: KyvernoInterpreter; customFunctions: readonly string[] } | undefined;

function sharedInterpreter(): { interpreter: KyvernoInterpreter; customFunctions: readonly string[] } {
  if (shared) return shared;
  const interpreter = new KyvernoInterpreter();
  const definitions = [
    ...STRING_FUNCTIONS,
    ...REGEX_FUNCTIONS,
    ...ARITHMETIC_FUNCTIONS,
    ...CONVERSION_FUNCTIONS,
    ...IMAGE_FUNCTIONS,
    ...X509_FUNCTIONS,
    ...timeFunctions({ now: () => currentClock() }),
  ];
  for (const d of definitions) interpreter.define(d.name, d.signature, d.fn);
  shared = { interpreter, customFunctions: Object.freeze(definitions.map((d) => d.name)) };
  return shared;
}

export function createJmespath(options: JmespathOptions = {}): Jmespath {
  const { interpreter, customFunctions } = sharedInterpreter();
  const now = options.now ?? (() => new Date());
  return {
    customFunctions,
    search(expression, data) {
      const ast = compileOrThrow(expression);
      const outer = currentClock;
      currentClock = now;
      try {
        return interpreter.search(ast, data as JSONValue);
      } catch (e) {
        if (e instanceof PolicyError) throw e;
        throw new PolicyError('ERR_POLICY_JMESPATH', (e as Error).message, { cause: e });
      } finally {
        currentClock = outer;
      }
    },
  };
}

function compileOrThrow(expression: string): ReturnType<typeof compile> {
  try {
    return compileCached(expression);
  } catch (e) {
    if (e instanceof PolicyError) throw e;
    throw new PolicyError('ERR_POLICY_JMESPATH', (e as Error).message, { cause: e });
  }
}
