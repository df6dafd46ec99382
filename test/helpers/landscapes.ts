// The landscapes the tests read: the defaults and every file of values/, by name.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Values } from '../../tools/model/index.ts';
import { valuesFor } from '../../tools/render/values.ts';
import { root } from './cli.ts';

/** `defaults` and the name of every values/*.yaml, sorted. */
export const landscapes = () => ['defaults', ...readdirSync(join(root, 'values')).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => f.replace(/\.ya?ml$/, ''))];

/** The values files of a landscape: none for `defaults`, else values/<name>.yaml. */
export const landscape = (name: string): string[] => (name === 'defaults' ? [] : [join(root, 'values', `${name}.yaml`)]);

/** The full values tree helm sees for a landscape. */
export const landscapeValues = (name: string): Values => valuesFor(landscape(name));
