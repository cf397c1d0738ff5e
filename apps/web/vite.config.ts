import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// `npm run dev:web`: Vite with hot reload; API calls go to a running gateway (npm start), same origin as in production.
const api = process.env.ULTRA_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    port: 5173,
    proxy: { '/api': { target: api, changeOrigin: false }, '/v1': { target: api } },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    css: false,
  },
});
