#!/usr/bin/env node
// Fires what Jira and Forge would on the running local host (node host/server.mjs):
//   node host/fire.mjs user-deactivated <accountId> [--no-event]   the simulator deactivates the
//        person and Jira's avi:jira:updated:user is sent to the app's trigger (or no event at all,
//        as when Jira sends none: the daily run must catch it)
//   node host/fire.mjs user-deleted <accountId> [--no-event]       the same with avi:jira:deleted:user
//   node host/fire.mjs user-updated <accountId>                    only the event
//   node host/fire.mjs schedule daily|hourly                       a scheduled trigger runs now
// Options: --port 8080 (or PORT). Prints the host's answer as JSON.
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const [what, target] = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--port');
const usage = 'usage: node host/fire.mjs user-deactivated|user-deleted|user-updated <accountId> [--no-event] | schedule daily|hourly  [--port 8080]';
if (!what || !target) {
  console.error(usage);
  process.exit(2);
}
const body = what === 'schedule' ? { schedule: target } : { what, accountId: target, event: !flag('no-event') };
const port = option('port', process.env.PORT ?? '8080');
try {
  const response = await fetch(`http://127.0.0.1:${port}/__host/fire`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await response.json();
  console.log(JSON.stringify(answer, null, 2));
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`steward: no local host on port ${port} (${error.message}); start it with make demo`);
  process.exit(1);
}
