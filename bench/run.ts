/**
 * `npm run bench [name...]`: benchmarks that print figures against a reference measured in
 * the same run (never absolute targets: timings on a shared 2-core machine are noisy).
 */
import { benchClusterStart } from './cluster-start.ts';
import { benchCoordinator } from './coordinator.ts';
import { benchCosts } from './costs.ts';
import { benchFidelity } from './fidelity.ts';
import { benchLedger } from './ledger.ts';
import { benchProducer } from './producer.ts';
import { benchValidate } from './validate.ts';

const BENCHES: Record<string, () => Promise<void>> = {
  ledger: benchLedger,
  coordinator: benchCoordinator,
  producer: benchProducer,
  'cluster-start': benchClusterStart,
  validate: benchValidate,
  fidelity: benchFidelity,
  costs: benchCosts,
};

/** Benches that take many minutes (a run per problem plan, JVM builds) run only when named. */
const ON_REQUEST = new Set(['fidelity', 'costs']);

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(BENCHES).filter((b) => !ON_REQUEST.has(b))) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; available: ${Object.keys(BENCHES).join(', ')}`);
    process.exitCode = 2;
    break;
  }
  await bench();
}
