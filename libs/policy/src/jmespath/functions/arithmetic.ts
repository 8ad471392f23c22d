/**
 * `add`, `subtract`, `multiply`, `divide`, `modulo`, `sum`, `round` (pkg/engine/jmespath/arithmetic.go).
 * Operands are numbers (Scalar), Kubernetes quantities (`'12Ki'`) or Go durations (`'12s'`); a string
 * is a quantity if it parses as one, else a duration. Quantity and duration results are returned in
 * their canonical string form (`'25Ki'`, `'1m40s'`).
 *
 *   Quantity ± Quantity → Quantity    Duration ± Duration → Duration    Scalar ± Scalar → Scalar
 *   Quantity × Scalar → Quantity      Duration × Scalar → Duration      Scalar × any → (commuted)
 *   Quantity ÷ Quantity → Scalar      Quantity ÷ Scalar → Quantity      Duration ÷ Duration → Scalar
 *   Duration ÷ Scalar → Duration      Scalar ÷ Scalar → Scalar
 *   Quantity % Quantity → Quantity    Duration % Duration → Duration    Scalar % Scalar → Scalar
 * Any other pairing fails with `types mismatch`.
 */
import { TYPE_ANY, TYPE_ARRAY, TYPE_NUMBER } from '@jmespath-community/jmespath';
import { JmespathFunctionError } from '../../errors';
import { durationSeconds, formatGoDuration, parseGoDuration } from '../../values/duration';
import { formatGoFloat } from '../../values/go-format';
import {
  addQuantities,
  divideQuantitiesRoundDown,
  formatQuantity,
  multiplyQuantities,
  parseQuantity,
  quantityFromInteger,
  quantityToNumber,
  subtractQuantities,
  type Quantity,
} from '../../values/quantity';
import type { FunctionDefinition } from './types';

type Operand = { kind: 'scalar'; value: number } | { kind: 'quantity'; value: Quantity } | { kind: 'duration'; value: bigint };

function operand(name: string, raw: unknown): Operand {
  if (typeof raw === 'number') return { kind: 'scalar', value: raw };
  if (typeof raw === 'string') {
    const q = parseQuantity(raw);
    if (q) return { kind: 'quantity', value: q };
    const d = parseGoDuration(raw);
    if (d !== undefined) return { kind: 'duration', value: d };
  }
  throw new JmespathFunctionError(name, 'invalid operands');
}

const mismatch = (name: string) => new JmespathFunctionError(name, 'types mismatch');
const zeroDivisor = (name: string) => new JmespathFunctionError(name, 'Zero divisor passed');
const nonIntModulo = () => new JmespathFunctionError('modulo', 'Non-integer argument(s) passed for modulo');

/** Go `time.Duration(seconds * float64(time.Second))`. */
const secondsToNanos = (seconds: number) => BigInt(Math.trunc(seconds * 1e9));

function addOperands(name: string, a: Operand, b: Operand): Operand {
  if (a.kind === 'scalar' && b.kind === 'scalar') return { kind: 'scalar', value: a.value + b.value };
  if (a.kind === 'quantity' && b.kind === 'quantity') return { kind: 'quantity', value: addQuantities(a.value, b.value) };
  if (a.kind === 'duration' && b.kind === 'duration') return { kind: 'duration', value: a.value + b.value };
  throw mismatch(name);
}

function render(o: Operand): unknown {
  return o.kind === 'scalar' ? o.value : o.kind === 'quantity' ? formatQuantity(o.value) : formatGoDuration(o.value);
}

function subtract(a: Operand, b: Operand): unknown {
  if (a.kind === 'scalar' && b.kind === 'scalar') return a.value - b.value;
  if (a.kind === 'quantity' && b.kind === 'quantity') return formatQuantity(subtractQuantities(a.value, b.value));
  if (a.kind === 'duration' && b.kind === 'duration') return formatGoDuration(a.value - b.value);
  throw mismatch('subtract');
}

function multiply(a: Operand, b: Operand): unknown {
  if (a.kind === 'scalar' && b.kind === 'scalar') return a.value * b.value;
  if (a.kind === 'scalar') return multiply(b, a);
  if (b.kind !== 'scalar') throw mismatch('multiply');
  if (a.kind === 'quantity') {
    // Kyverno re-parses the scalar through fmt.Sprintf("%v") as a quantity.
    const factor = parseQuantity(formatGoFloat(b.value));
    if (!factor) throw new JmespathFunctionError('multiply', 'invalid operands');
    return formatQuantity(multiplyQuantities(a.value, factor));
  }
  return formatGoDuration(secondsToNanos(durationSeconds(a.value) * b.value));
}

function divide(a: Operand, b: Operand): unknown {
  if (a.kind === 'quantity' && b.kind === 'quantity') {
    const divisor = quantityToNumber(b.value);
    if (divisor === 0) throw zeroDivisor('divide');
    return quantityToNumber(a.value) / divisor;
  }
  if (a.kind === 'quantity' && b.kind === 'scalar') {
    if (b.value === 0) throw zeroDivisor('divide');
    const divisor = parseQuantity(formatGoFloat(b.value));
    if (!divisor) throw new JmespathFunctionError('divide', 'invalid operands');
    return formatQuantity(divideQuantitiesRoundDown(a.value, divisor));
  }
  if (a.kind === 'duration' && b.kind === 'duration') {
    if (b.value === 0n) throw zeroDivisor('divide');
    return durationSeconds(a.value) / durationSeconds(b.value);
  }
  if (a.kind === 'duration' && b.kind === 'scalar') {
    if (b.value === 0) throw zeroDivisor('divide');
    return formatGoDuration(secondsToNanos(durationSeconds(a.value) / b.value));
  }
  if (a.kind === 'scalar' && b.kind === 'scalar') {
    if (b.value === 0) throw zeroDivisor('divide');
    return a.value / b.value;
  }
  throw mismatch('divide');
}

function modulo(a: Operand, b: Operand): unknown {
  if (a.kind === 'quantity' && b.kind === 'quantity') {
    const [x, y] = [quantityToNumber(a.value), quantityToNumber(b.value)];
    if (!Number.isInteger(x) || !Number.isInteger(y)) throw nonIntModulo();
    if (y === 0) throw zeroDivisor('modulo');
    return formatQuantity(quantityFromInteger(BigInt(x % y), a.value.format));
  }
  if (a.kind === 'duration' && b.kind === 'duration') {
    if (b.value === 0n) throw zeroDivisor('modulo');
    return formatGoDuration(a.value % b.value);
  }
  if (a.kind === 'scalar' && b.kind === 'scalar') {
    if (!Number.isInteger(a.value) || !Number.isInteger(b.value)) throw nonIntModulo();
    if (b.value === 0) throw zeroDivisor('modulo');
    return a.value % b.value;
  }
  throw mismatch('modulo');
}

/** Go `math.Round`: half away from zero. */
function goRound(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

const binary = (name: string, op: (a: Operand, b: Operand) => unknown): FunctionDefinition => ({
  name,
  signature: [{ types: [TYPE_ANY] }, { types: [TYPE_ANY] }],
  fn: ([a, b]: [unknown, unknown]) => op(operand(name, a), operand(name, b)),
});

export const ARITHMETIC_FUNCTIONS: FunctionDefinition[] = [
  binary('add', (a, b) => render(addOperands('add', a, b))),
  binary('subtract', subtract),
  binary('multiply', multiply),
  binary('divide', divide),
  binary('modulo', modulo),
  {
    name: 'sum',
    signature: [{ types: [TYPE_ARRAY] }],
    fn: ([items]: [unknown[]]) => {
      if (items.length === 0) throw new JmespathFunctionError('sum', 'at least one element in the array is required');
      const ops = items.map((i) => operand('sum', i));
      return render(ops.slice(1).reduce((acc, next) => addOperands('sum', acc, next), ops[0]!));
    },
  },
  {
    name: 'round',
    signature: [{ types: [TYPE_NUMBER] }, { types: [TYPE_NUMBER] }],
    fn: ([value, digits]: [number, number]) => {
      if (!Number.isInteger(digits)) throw new JmespathFunctionError('round', 'Non-integer argument(s) passed for round off');
      if (digits < 0) throw new JmespathFunctionError('round', '2 argument is out of bounds (>=0)');
      const shift = 10 ** digits;
      return goRound(value * shift) / shift;
    },
  },
];
