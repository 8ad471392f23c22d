import type { InputSignature } from '@jmespath-community/jmespath';

/** One Kyverno custom function: its name, the argument types the runtime checks, and the body. */
export interface FunctionDefinition {
  readonly name: string;
  readonly signature: InputSignature[];
  /** Receives the argument tuple the signature admits (typed per function). */
  readonly fn: (args: never) => unknown;
}

/** What the functions may read from outside: only the clock (`time_now*`, `time_since` with one time). */
export interface FunctionEnvironment {
  readonly now: () => Date;
}
