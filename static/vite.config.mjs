// Both Custom UI apps build with a relative base into <app>/build, the folders manifest.yml points at.
// Usage: vite build --config static/vite.config.mjs static/<app>
// Vite compiles JSX itself (oxc, React's automatic runtime). React and the design system's tokens
// are deduplicated: two copies of either break hooks or theming.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: { dedupe: ['react', 'react-dom', '@atlaskit/tokens'] },
  build: { outDir: 'build', emptyOutDir: true, target: 'es2020', chunkSizeWarningLimit: 4096 },
  logLevel: 'warn',
});
