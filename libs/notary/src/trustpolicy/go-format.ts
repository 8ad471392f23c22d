/**
 * Go `%q` of the composite values notation prints in trust policy messages:
 * a string slice and a `[]map[string]string` (keys sorted, as fmt prints maps).
 * Strings themselves are quoted by the x509 area's `strconv.Quote` port.
 */
import { compareGoStrings, goQuote } from '../x509/go-quote';

export { goQuote };

/** `%q` of a `[]string`: `["a" "b"]`. */
export function goQuoteList(values: readonly string[]): string {
  return `[${values.map(goQuote).join(' ')}]`;
}

/** `%q` of a `[]map[string]string`: `[map["C":"US" "O":"Notary"] map[...]]`, keys sorted like Go's fmt. */
export function goQuoteMaps(maps: ReadonlyArray<ReadonlyMap<string, string>>): string {
  const printed = maps.map((map) => {
    const keys = [...map.keys()].sort(compareGoStrings);
    return `map[${keys.map((key) => `${goQuote(key)}:${goQuote(map.get(key)!)}`).join(' ')}]`;
  });
  return `[${printed.join(' ')}]`;
}
