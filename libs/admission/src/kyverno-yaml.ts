/**
 * The YAML Kyverno 1.19 (go.yaml.in/yaml/v3, indent 2, no folding) prints for
 * `{policy: {rule: message}}` in denial messages (kyverno-notary-spec §3.3):
 * keys sorted, scalars plain when safe, double-quoted when they would read as
 * another type, single-quoted when they hold YAML indicators, literal `|-`
 * blocks when they span lines.
 */

const NON_STRING = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|<<)$/;
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
// Control characters other than newline and tab force the double-quoted style.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** One scalar, as it would appear after `key: ` at the given indentation. */
export function yamlScalar(value: string, indent: number): string {
  if (value === '' || NON_STRING.test(value)) return JSON.stringify(value);
  if (CONTROL.test(value)) return JSON.stringify(value);
  if (value.includes('\n')) {
    const pad = ' '.repeat(indent + 2);
    const keep = value.endsWith('\n') ? '|' : '|-';
    const lines = (value.endsWith('\n') ? value.slice(0, -1) : value).split('\n');
    return `${keep}\n${lines.map((line) => (line === '' ? '' : pad + line)).join('\n')}`;
  }
  const needsQuotes =
    value.includes(': ') ||
    value.includes(' #') ||
    value.endsWith(':') ||
    INDICATOR_START.test(value) ||
    value.startsWith(' ') ||
    value.endsWith(' ') ||
    value.includes('\t');
  return needsQuotes ? `'${value.replace(/'/g, "''")}'` : value;
}

/** A mapping of mappings of strings, keys sorted at every level. */
export function renderYamlMap(map: Record<string, Record<string, string>>): string {
  const lines: string[] = [];
  for (const outer of Object.keys(map).sort()) {
    lines.push(`${yamlKey(outer)}:`);
    const inner = map[outer]!;
    for (const key of Object.keys(inner).sort()) {
      lines.push(`  ${yamlKey(key)}: ${yamlScalar(inner[key]!, 2)}`);
    }
  }
  return lines.join('\n') + '\n';
}

function yamlKey(key: string): string {
  const rendered = yamlScalar(key, 0);
  return rendered.startsWith('|') ? JSON.stringify(key) : rendered;
}
