// A YAML front-matter block (`---` … `---` at the very top, as static-site generators and many docs repos
// write) is metadata, not text: marked would read it as a rule and a heading. Its scalar fields become
// document metadata and its `title` the document title.
import { parse as parseYaml } from 'yaml';

const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/;

export interface FrontMatter {
  body: string;
  title: string | null;
  metadata: Record<string, string | number | boolean>;
}

export function splitFrontMatter(source: string): FrontMatter {
  const match = FRONT_MATTER.exec(source);
  if (!match) return { body: source, title: null, metadata: {} };
  let parsed: unknown;
  try {
    parsed = parseYaml(match[1] ?? '', { maxAliasCount: 10 });
  } catch {
    // Not YAML after all (a document that starts with a rule): leave the text alone.
    return { body: source, title: null, metadata: {} };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { body: source, title: null, metadata: {} };
  const metadata: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    ) {
      metadata[key] = value;
    } else if (value instanceof Date && !Number.isNaN(value.getTime())) {
      metadata[key] = value.toISOString();
    }
  }
  const title =
    typeof metadata.title === 'string' && metadata.title.trim() !== '' ? metadata.title.trim() : null;
  delete metadata.title;
  return { body: source.slice(match[0].length), title, metadata };
}
