// Where the project lives, for code in any stage.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const chartDir = join(projectRoot, 'chart');
