/**
 * Benchmark dispatcher.
 *
 *   npm run bench                  every registered benchmark, in order
 *   npm run bench -- import …      one benchmark, with its own options
 *
 * A benchmark is a module `bench/<name>.ts` exporting `run(args: string[]): Promise<void>`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Benchmark {
  run(args: string[]): Promise<void>;
}

/** name → module (relative to this file). Add a benchmark with one line here. */
const REGISTRY: Record<string, string> = {
  import: './import.ts',
  analytics: './analytics.ts',
  api: './api.ts',
  'clv-fit': './clv-fit.ts',
  recommend: './recommend.ts',
  messaging: './messaging.ts',
};

async function load(name: string): Promise<Benchmark | null> {
  const spec = REGISTRY[name];
  if (spec === undefined) return null;
  const url = new URL(spec, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return null;
  const mod = (await import(url.href)) as Partial<Benchmark>;
  if (typeof mod.run !== 'function') throw new Error(`bench/${spec}: no exported run(args)`);
  return mod as Benchmark;
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first !== undefined && !first.startsWith('-')) {
    const bench = await load(first);
    if (!bench) {
      throw new Error(`unknown benchmark "${first}"; registered: ${Object.keys(REGISTRY).join(', ')}`);
    }
    await bench.run(rest);
    return;
  }
  for (const name of Object.keys(REGISTRY)) {
    const bench = await load(name);
    if (!bench) {
      process.stderr.write(`bench ${name}: ${REGISTRY[name]} not found, skipped\n`);
      continue;
    }
    process.stderr.write(`\n=== bench ${name} ===\n`);
    await bench.run(argv);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
