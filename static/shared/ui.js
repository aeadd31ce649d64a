// Small helpers shared by both pages. Text always goes in through textContent, never innerHTML,
// because names come from Jira and may hold markup.
import { invoke } from '@forge/bridge';

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null) continue;
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child == null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Calls a resolver and returns its envelope; a thrown bridge error becomes a failure envelope.
export async function call(functionKey, payload) {
  try {
    return await invoke(functionKey, payload);
  } catch (error) {
    return { type: 'failure', errors: [{ code: 'invoke', message: String(error?.message ?? error) }], warnings: [] };
  }
}

// Replaces the content of `root`, skipping absent parts (null or undefined).
export function show(root, ...parts) {
  root.replaceChildren(...parts.flat(Infinity).filter((part) => part != null));
}

export function showFailure(root, answer) {
  show(root,
    el('section', { class: 'message error', role: 'alert' },
      el('h2', {}, 'Steward could not load this page'),
      el('ul', {}, (answer.errors ?? []).map((e) => el('li', {}, el('code', {}, e.code), ' ', e.message)))),
  );
}

export function warningsList(warnings) {
  if (!warnings?.length) return null;
  return el('section', { class: 'message warning', 'data-testid': 'warnings' },
    el('h2', {}, `${warnings.length} warning${warnings.length === 1 ? '' : 's'}`),
    el('ul', {}, warnings.map((w) => el('li', {}, el('code', {}, w.code), ' ', w.message))));
}
