// Builds the desk into OUTDIR (default ../build/web): content-hashed JS and CSS under assets/, and
// index.html naming them. Fails when the app's JavaScript, gzipped, is over the budget.
//   node build.mjs [OUTDIR]
import { build } from 'esbuild';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(here, '..', 'build', 'web'));
const assets = path.join(out, 'assets');
const BUDGET = 150 * 1024; // bytes of gzipped JavaScript, every chunk counted

await rm(out, { recursive: true, force: true });
await mkdir(assets, { recursive: true });

const result = await build({
  absWorkingDir: here,
  entryPoints: { desk: 'src/main.tsx' },
  bundle: true,
  splitting: true, // the chart and barcode libraries load only on the screens that use them
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: false,
  outdir: assets,
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs);
const entry = outputs.find(([, o]) => o.entryPoint === 'src/main.tsx');
const js = path.basename(entry[0]);
const css = entry[1].cssBundle ? path.basename(entry[1].cssBundle) : null;

const favicon = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1d4ed8"/><text x="16" y="22" font-family="system-ui,sans-serif" font-size="15" font-weight="700" text-anchor="middle" fill="#fff">fk</text></svg>';
const iconName = 'icon-' + (await import('node:crypto')).createHash('sha256').update(favicon).digest('hex').slice(0, 8) + '.svg';
await writeFile(path.join(assets, iconName), favicon);

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>fleetkeep</title>
<link rel="icon" href="/assets/${iconName}" type="image/svg+xml">
${css ? `<link rel="stylesheet" href="/assets/${css}">\n` : ''}<script type="module" src="/assets/${js}"></script>
</head>
<body>
<div id="app"></div>
<noscript>The fleetkeep desk needs JavaScript. The API at /api/v1 works without it.</noscript>
</body>
</html>
`;
await writeFile(path.join(out, 'index.html'), html);

let total = 0;
const rows = [];
for (const name of (await readdir(assets)).sort()) {
  const body = await readFile(path.join(assets, name));
  const gz = gzipSync(body, { level: 9 }).length;
  if (name.endsWith('.js')) total += gz;
  rows.push(`  ${name.padEnd(32)} ${String(body.length).padStart(8)} B  ${String(gz).padStart(7)} B gzipped`);
}
console.log(`desk built into ${out}\n${rows.join('\n')}`);
console.log(`JavaScript: ${(total / 1024).toFixed(1)} KiB gzipped (budget ${BUDGET / 1024} KiB)`);
if (total > BUDGET) {
  console.error(`the desk's JavaScript is ${(total / 1024).toFixed(1)} KiB gzipped, over the ${BUDGET / 1024} KiB budget`);
  process.exit(1);
}
