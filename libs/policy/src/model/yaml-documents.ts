/**
 * Kubernetes manifests from multi-document YAML: each non-empty document as
 * a plain mapping, or a PolicyDocumentError naming the file and the document.
 * Alias bombs (more than 100 aliases) and recursive aliases are refused: a
 * Kubernetes object is JSON, it cannot refer to itself. One reader for
 * policies, ConfigMaps and resources alike.
 */
import { parseAllDocuments } from 'yaml';
import { PolicyDocumentError } from './errors';

export interface YamlDocument {
  /** 1-based position in the file. */
  position: number;
  value: Record<string, unknown>;
}

export function readYamlDocuments(text: string, source: string): YamlDocument[] {
  const out: YamlDocument[] = [];
  parseAllDocuments(text, { prettyErrors: false }).forEach((document, index) => {
    const where = `document ${index + 1}`;
    if (document.errors.length > 0) throw new PolicyDocumentError(source, where, `invalid YAML: ${document.errors[0]!.message.split('\n')[0]}`);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      throw new PolicyDocumentError(source, where, `invalid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    if (value === null || value === undefined) return;
    try {
      JSON.stringify(value);
    } catch {
      throw new PolicyDocumentError(source, where, 'invalid YAML: a recursive alias (the document refers to itself)');
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new PolicyDocumentError(source, where, `a Kubernetes object must be a mapping, got ${Array.isArray(value) ? 'a list' : `${typeof value} ${JSON.stringify(value)}`}`);
    }
    out.push({ position: index + 1, value: value as Record<string, unknown> });
  });
  return out;
}
