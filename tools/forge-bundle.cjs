#!/usr/bin/env node
// Bundles the Forge handlers exactly as `forge deploy` does: the webpack config comes from
// @forge/bundler's own NodeBundler (getConfigs), only the output folder is ours.
// Usage: node tools/forge-bundle.cjs OUT_DIR   (writes OUT_DIR/index.cjs)
const path = require('path');
const webpack = require('webpack');
const { getNodeBundler } = require('@forge/bundler');

async function main() {
  const appDirectory = path.resolve(__dirname, '..');
  const outDir = path.resolve(process.argv[2] || path.join(appDirectory, 'host/.build'));
  const logger = { info() {}, debug() {}, warn: console.warn, error: console.error, trace() {} };
  const noRuntimeWrapper = {};
  const manifestWithDefaultPackaging = { readConfig: async () => ({ app: {} }) };
  const bundler = await getNodeBundler(logger, noRuntimeWrapper, manifestWithDefaultPackaging).getBundler();
  const [config] = await bundler.getConfigs({
    appDirectory,
    entryPoints: [{ name: 'index', path: path.join(appDirectory, 'src/forge/index.js') }],
  });
  config.output.path = outDir;
  config.devtool = false;
  const stats = await new Promise((resolve, reject) =>
    webpack(config, (error, result) => (error ? reject(error) : resolve(result))),
  );
  if (stats.hasErrors()) {
    console.error(stats.toString({ all: false, errors: true }));
    process.exit(1);
  }
  const assets = Object.keys(stats.compilation.assets).sort();
  console.log(`forge bundle: ${assets.join(', ')} in ${path.relative(process.cwd(), outDir) || '.'}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
