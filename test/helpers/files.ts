// Files a test writes (values, manifests), in a folder of its own.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tmp = mkdtempSync(join(tmpdir(), 'telemetry-netpol-test-'));
let counter = 0;

/** Writes a values or manifests file for a test; returns its path. */
export function tempFile(text: string, ext = 'yaml'): string {
  const file = join(tmp, `f${counter++}.${ext}`);
  writeFileSync(file, text);
  return file;
}
