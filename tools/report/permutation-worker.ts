// A worker thread of the permutation run: it keeps the rendered units it is sent and checks the permutations
// it is given (tools/report/permutation-check.ts), so that every core checks while helm renders.
import { parentPort, workerData } from 'node:worker_threads';
import { PermutationChecker, type PermutationUnits, type UnitOutput } from './permutation-check.ts';

const checker = new PermutationChecker((workerData as { withContract: boolean }).withContract);

parentPort!.on('message', (message: { units: UnitOutput[]; batch: PermutationUnits[] }) => {
  try {
    checker.add(message.units);
    parentPort!.postMessage({ ...checker.check(message.batch), distinctDocuments: checker.distinctDocuments });
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).stack ?? String(err) });
  }
});
