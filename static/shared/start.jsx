// Starts a page: the theme first (nothing renders in the wrong colours), the router, then React.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@atlaskit/css-reset/dist/bundle.css';
import { startTheme } from './theme.js';
import { startRouter } from './router.js';

export async function startPage(App) {
  await startTheme();
  await startRouter();
  createRoot(document.getElementById('root')).render(<StrictMode><App /></StrictMode>);
}
