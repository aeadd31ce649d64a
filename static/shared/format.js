// Words and times the pages print the same way for every viewer.
export const plural = (n, word, words = `${word}s`) => `${n.toLocaleString('en')} ${n === 1 ? word : words}`;

// "2026-11-23 08:01 UTC", whatever the viewer's locale.
export function formatTime(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return iso ? String(iso) : '—';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const formatDate = (iso) => (iso ? String(iso).slice(0, 10) : '—');
