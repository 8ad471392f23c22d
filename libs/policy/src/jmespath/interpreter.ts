/**
 * Kyverno's JMESPath dialect on top of @jmespath-community/jmespath (kyverno-notary-spec §5):
 * Kyverno's go-jmespath fork fails a field lookup on a map that lacks the key
 * (`Unknown key "<k>" in path`) instead of answering null, except inside projections, filters,
 * flatten, comparators and function arguments, where the error is swallowed (the value is null).
 *
 * Each interpreter has its own function table, so the custom functions (and the clock the time
 * functions read) belong to one `createJmespath()` instance, not to the library's global registry.
 */
import {
  TreeInterpreter,
  type InputSignature,
  type JSONValue,
  type RuntimeFunction,
} from '@jmespath-community/jmespath';
import { JmespathNotFoundError } from '../errors';

type Node = { type: string; [k: string]: unknown };

interface RuntimeLike {
  _functionTable: Record<string, { _func: RuntimeFunction<JSONValue[], JSONValue>; _signature: InputSignature[] }>;
}

interface InterpreterLike {
  runtime: RuntimeLike;
  search(node: unknown, value: JSONValue): JSONValue;
  visit(node: Node, value: unknown): unknown;
}

const BaseInterpreter = (TreeInterpreter as unknown as { constructor: new () => InterpreterLike }).constructor;

/** Node types whose children are evaluated with lookup errors swallowed. */
const LENIENT_PARENTS = new Set(['Projection', 'ValueProjection', 'FilterProjection', 'Flatten', 'Comparator', 'Function']);

export class KyvernoInterpreter extends BaseInterpreter {
  private lenientDepth = 0;

  override visit(node: Node, value: unknown): unknown {
    if (node.type === 'Field' && this.lenientDepth === 0) {
      const name = node['name'] as string;
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && !Object.prototype.hasOwnProperty.call(value, name)) {
        throw new JmespathNotFoundError(name);
      }
    }
    if (!LENIENT_PARENTS.has(node.type)) return super.visit(node, value);
    this.lenientDepth += 1;
    try {
      return super.visit(node, value);
    } finally {
      this.lenientDepth -= 1;
    }
  }

  /** Registers (or replaces, e.g. the built-in `items`, `split`, `replace`, `sum`) a function on this instance. */
  define(name: string, signature: InputSignature[], fn: (args: never) => unknown): void {
    this.runtime._functionTable[name] = { _func: fn as unknown as RuntimeFunction<JSONValue[], JSONValue>, _signature: signature };
  }
}
