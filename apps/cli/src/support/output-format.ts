/** `-o, --output tree|json`, shared by inspect and discover. */
import { UsageError } from './errors';

export type OutputFormat = 'tree' | 'json';
const FORMATS: readonly OutputFormat[] = ['tree', 'json'];

export function parseOutputFormat(text: string): OutputFormat {
  if (!(FORMATS as readonly string[]).includes(text)) throw new UsageError(`invalid --output "${text}": use tree or json`);
  return text as OutputFormat;
}

/** JSON renderers return a compact document; print it with a trailing newline. */
export function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
