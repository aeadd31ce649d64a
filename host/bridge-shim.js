// Injected into each Custom UI page by the local host, before the app's own scripts, in place of
// the `window.__bridge` that Jira's frame provides. @forge/bridge calls it; the parent frame answers.
// Like Jira, the frame decides the colour mode (its light/dark switch) and the page's address
// lives in the frame's URL (here its hash), so a reload or a shared link lands on the same view.
(function () {
  var pending = new Map();
  var next = 0;
  function setMode(mode) {
    var dark = mode === 'dark';
    document.documentElement.setAttribute('data-color-mode', dark ? 'dark' : 'light');
    document.documentElement.setAttribute('data-theme', 'dark:dark light:light spacing:spacing typography:typography');
  }
  window.addEventListener('message', function (event) {
    if (event.origin !== window.location.origin || event.source !== window.parent) return;
    var message = event.data;
    if (message && message.steward === 'theme') return setMode(message.mode);
    if (!message || message.steward !== 'bridge-reply' || !pending.has(message.id)) return;
    var waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(message.error));
  });
  window.addEventListener('hashchange', function () {
    window.parent.postMessage({ steward: 'route', hash: window.location.hash }, window.location.origin);
  });
  window.__bridge = {
    callBridge: function (cmd, payload) {
      return new Promise(function (resolve, reject) {
        next += 1;
        pending.set(next, {
          resolve: function (value) {
            if (cmd === 'enableTheming' && value && value.mode) setMode(value.mode);
            resolve(cmd === 'enableTheming' ? undefined : value);
          },
          reject: reject,
        });
        window.parent.postMessage({ steward: 'bridge', id: next, cmd: cmd, payload: payload }, window.location.origin);
      });
    },
  };
})();
