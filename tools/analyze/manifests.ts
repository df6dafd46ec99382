// Reading manifests: files and folders, multi-document YAML or JSON, `List` kinds expanded.
// What cannot be analyzed is skipped with a warning, a document that cannot be decoded on its own
// (the file's other documents are read); only a missing path is an error.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { parseDocuments } from '../yaml/documents.ts';
import { messages } from './messages.ts';

/** A decoded Kubernetes object; `source` names the file it came from. */
export interface Manifest {
  kind: string;
  apiVersion?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  spec?: any;
  status?: any;
  source: string;
  [key: string]: unknown;
}

export interface ParsedManifests {
  objects: Manifest[];
  warnings: string[];
  /** the warnings of documents that are not YAML or JSON (among `warnings` too) */
  undecodable: string[];
}

export const ANALYZED_KINDS = [
  'Namespace', 'Pod', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob',
  'ReplicationController', 'Node', 'NetworkPolicy',
] as const;
const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses multi-document YAML or JSON text; `source` names it in warnings. */
export function parseManifests(text: string, source: string): ParsedManifests {
  const result: ParsedManifests = { objects: [], warnings: [], undecodable: [] };
  const add = (doc: unknown, inheritedKind?: string) => {
    if (doc === null || doc === undefined) return;
    const kind = isRecord(doc) ? (doc.kind ?? inheritedKind) : undefined;
    if (!isRecord(doc) || typeof kind !== 'string') {
      result.warnings.push(messages.notAManifest(source));
      return;
    }
    if (kind.endsWith('List') && Array.isArray(doc.items)) {
      // Items of a PodList without their own kind are Pods; a plain List has no such default.
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
      for (const item of doc.items) add(item, itemKind);
      return;
    }
    if (!(ANALYZED_KINDS as readonly string[]).includes(kind)) {
      result.warnings.push(messages.unknownKind(source, kind));
      return;
    }
    const metadata = isRecord(doc.metadata) ? doc.metadata : {};
    if (typeof metadata.name !== 'string' || metadata.name === '') {
      result.warnings.push(messages.missingName(source, kind));
      return;
    }
    result.objects.push({ ...doc, kind, metadata, source } as Manifest);
  };
  for (const document of parseDocuments(text)) {
    if (document.error !== undefined) {
      const warning = messages.undecodable(source, document.line, document.error.split('\n')[0]);
      result.warnings.push(warning);
      result.undecodable.push(warning);
    } else add(document.resource);
  }
  return result;
}

function manifestFiles(path: string): string[] {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new UserError(messages.pathNotFound(path));
  }
  if (!stats.isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return manifestFiles(child);
      return MANIFEST_EXTENSIONS.test(entry.name) ? [child] : [];
    });
}

/** Reads files and folders (recursively: *.yaml, *.yml, *.json). Throws UserError for a missing path. */
export function loadManifests(paths: readonly string[]): ParsedManifests {
  if (paths.length === 0) throw new UserError(messages.noPaths());
  const result: ParsedManifests = { objects: [], warnings: [], undecodable: [] };
  for (const file of paths.flatMap(manifestFiles)) {
    const parsed = parseManifests(readFileSync(file, 'utf8'), file);
    result.objects.push(...parsed.objects);
    result.warnings.push(...parsed.warnings);
    result.undecodable.push(...parsed.undecodable);
  }
  return result;
}
