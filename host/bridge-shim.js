// Injected into each Custom UI page by the local host, before the app's own scripts, in place of
// the `window.__bridge` that Jira's frame provides. @forge/bridge calls it; the parent frame answers.
(function () {
  var pending = new Map();
  var next = 0;
  window.addEventListener('message', function (event) {
    if (event.origin !== window.location.origin || event.source !== window.parent) return;
    var message = event.data;
    if (!message || message.steward !== 'bridge-reply' || !pending.has(message.id)) return;
    var waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(message.error));
  });
  window.__bridge = {
    callBridge: function (cmd, payload) {
      return new Promise(function (resolve, reject) {
        next += 1;
        pending.set(next, { resolve: resolve, reject: reject });
        window.parent.postMessage({ steward: 'bridge', id: next, cmd: cmd, payload: payload }, window.location.origin);
      });
    },
  };
})();
