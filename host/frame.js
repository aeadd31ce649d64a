// The Jira-like frame around a Custom UI page: answers the page's bridge calls, keeps the page's
// address in its own URL's hash, and holds the light/dark switch (`?theme=dark` picks one too).
// `window.STEWARD_FRAME = {moduleKey, context}` is written into the page by the host.
(function () {
  var frame = window.STEWARD_FRAME;
  var iframe = document.getElementById('app');
  var params = new URLSearchParams(window.location.search);
  var mode = params.get('theme') || localStorage.getItem('steward-theme') || 'light';
  var switcher = document.getElementById('theme');

  function showMode() {
    document.documentElement.setAttribute('data-color-mode', mode);
    if (switcher) {
      switcher.textContent = mode === 'dark' ? 'Light theme' : 'Dark theme';
      switcher.setAttribute('aria-pressed', String(mode === 'dark'));
    }
  }
  showMode();
  if (switcher) {
    switcher.addEventListener('click', function () {
      mode = mode === 'dark' ? 'light' : 'dark';
      localStorage.setItem('steward-theme', mode);
      showMode();
      iframe.contentWindow.postMessage({ steward: 'theme', mode: mode }, window.location.origin);
    });
  }
  iframe.src = iframe.getAttribute('data-src') + window.location.hash;
  // A link or a typed address that changes only the hash moves the page to that view.
  window.addEventListener('hashchange', function () {
    if (iframe.contentWindow.location.hash !== window.location.hash) iframe.contentWindow.location.hash = window.location.hash;
  });

  function reply(id, ok, valueOrError) {
    var message = { steward: 'bridge-reply', id: id, ok: ok };
    if (ok) message.value = valueOrError; else message.error = String(valueOrError);
    iframe.contentWindow.postMessage(message, window.location.origin);
  }
  window.addEventListener('message', function (event) {
    if (event.origin !== window.location.origin || event.source !== iframe.contentWindow) return;
    var m = event.data;
    if (m && m.steward === 'route') return history.replaceState(null, '', window.location.pathname + window.location.search + m.hash);
    if (!m || m.steward !== 'bridge') return;
    if (m.cmd === 'getContext') return reply(m.id, true, frame.context);
    if (m.cmd === 'enableTheming') return reply(m.id, true, { mode: mode });
    if (m.cmd === 'invoke') {
      return fetch('/__host/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ moduleKey: frame.moduleKey, functionKey: m.payload.functionKey, payload: m.payload.payload, extension: frame.context.extension }),
      })
        .then(function (r) { return r.json(); })
        .then(function (answer) { reply(m.id, answer.ok, answer.ok ? answer.value : answer.error); })
        .catch(function (error) { reply(m.id, false, error.message); });
    }
    reply(m.id, true, undefined); // other bridge calls (flags, resize, history) are no-ops here
  });
})();
// "Viewing as": the local host plays another person (a cookie the host reads on every call).
(function () {
  var select = document.getElementById('steward-as');
  if (!select) return;
  select.addEventListener('change', function () {
    document.cookie = 'steward_as=' + encodeURIComponent(select.value) + '; path=/; SameSite=Strict';
    var url = new URL(window.location.href);
    url.searchParams.delete('as');
    window.location.href = url.toString();
  });
})();
