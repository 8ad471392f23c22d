/** The README table of environment variables, rendered from the schemas themselves so docs cannot drift. */
import type { ConfigSchema } from './schema';

export interface DocumentedSchema {
  /** Heading of the group, e.g. "Common" or "Gateway". */
  title: string;
  schema: ConfigSchema;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Markdown: one table per group, `| Variable | Type | Default | Description |`; a variable shared by groups is listed once. */
export function renderConfigTable(groups: readonly DocumentedSchema[]): string {
  const seen = new Set<string>();
  const sections: string[] = [];
  for (const group of groups) {
    const rows = Object.values(group.schema)
      .filter((variable) => (seen.has(variable.name) ? false : (seen.add(variable.name), true)))
      .map((variable) => {
        const type = variable.detail ? `${variable.kind} (${variable.detail})` : variable.kind;
        const fallback = variable.required ? '*required*' : variable.defaultText !== undefined && variable.defaultText !== '' ? `\`${variable.defaultText}\`` : '';
        return `| \`${variable.name}\` | ${cell(type)} | ${cell(fallback)} | ${cell(variable.doc)} |`;
      });
    if (rows.length === 0) continue;
    sections.push([`### ${group.title}`, '', '| Variable | Type | Default | Description |', '|---|---|---|---|', ...rows].join('\n'));
  }
  return `${sections.join('\n\n')}\n`;
}
