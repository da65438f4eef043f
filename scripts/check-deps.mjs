#!/usr/bin/env node
// The dependency rule of ARCHITECTURE.md as a check that fails CI:
// - core imports only core (and a short allow-list of pure libraries: no I/O, no clock);
// - storage and channels import only core (never each other, never app/http/cli/jobs);
// - app never imports http/cli/jobs; http/cli/jobs never import storage or channels;
// - web imports only http/contract from src.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const PURE_LIBS = new Set(['libphonenumber-js', 'libphonenumber-js/max', 'zod']);
const rules = {
  core: { layers: ['core'], packages: 'pure' },
  storage: { layers: ['core', 'storage'], packages: 'any' },
  channels: { layers: ['core', 'channels'], packages: 'any' },
  app: { layers: ['core', 'storage', 'channels', 'app'], packages: 'any' },
  jobs: { layers: ['core', 'app', 'jobs'], packages: 'any' },
  http: { layers: ['core', 'app', 'http'], packages: 'any' },
  cli: { layers: ['core', 'app', 'cli', 'config', 'main'], packages: 'any' },
};

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx)$/.test(name)) yield p;
  }
}

const importRe =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];
for (const [layer, rule] of Object.entries(rules)) {
  let dir;
  try {
    dir = join(root, 'src', layer);
    statSync(dir);
  } catch {
    continue;
  }
  for (const file of files(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2];
      const where = relative(root, file);
      if (spec.startsWith('.')) {
        const target = relative(join(root, 'src'), resolve(dirname(file), spec));
        const targetLayer = target.split('/')[0].replace(/\.(ts|js)$/, '');
        if (!rule.layers.includes(targetLayer))
          problems.push(
            `${where}: ${layer} must not import ${layer === targetLayer ? '' : targetLayer} (${spec})`,
          );
      } else if (rule.packages === 'pure') {
        if (!PURE_LIBS.has(spec)) problems.push(`${where}: core must not import the package ${spec}`);
      }
    }
  }
}
if (problems.length) {
  console.error(`Dependency rule broken:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('dependency rule: ok');
