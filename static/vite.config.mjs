// Both Custom UI apps build with a relative base into <app>/build, the folders manifest.yml points at.
// Usage: vite build --config static/vite.config.mjs static/<app>
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { outDir: 'build', emptyOutDir: true, target: 'es2020' },
  logLevel: 'warn',
});
