import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The dashboard is a static bundle; where the gateway is comes from /config.json at run time. */
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { port: Number(process.env.DASHBOARD_PORT ?? 4080), strictPort: true },
});
