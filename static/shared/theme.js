// Light and dark like Jira: `view.theme.enable()` asks Jira for its theme and keeps the frame's
// <html data-color-mode> in step with it; the design system's theme CSS (the values of every
// token) is loaded for that mode by `setGlobalTheme`, again whenever the mode changes. On the local
// host the frame's light/dark switch sets the same attribute.
import { view } from '@forge/bridge';
import { setGlobalTheme } from '@atlaskit/tokens/set-global-theme';

const mode = () => (document.documentElement.getAttribute('data-color-mode') === 'dark' ? 'dark' : 'light');

export async function startTheme() {
  try {
    await view.theme.enable();
  } catch {
    // Outside Jira (a page opened on its own) there is no theme to follow: light.
  }
  let applied = null;
  const apply = async () => {
    const wanted = mode();
    if (wanted === applied) return;
    applied = wanted;
    await setGlobalTheme({ light: 'light', dark: 'dark', colorMode: wanted, spacing: 'spacing', typography: 'typography' });
  };
  await apply();
  new MutationObserver(() => apply()).observe(document.documentElement, { attributes: true, attributeFilter: ['data-color-mode'] });
}
