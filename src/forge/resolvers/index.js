// The resolver behind both pages: every handler by name, from the module of its domain. Each
// validates its input, authorizes the caller through Jira as that user (auth.js), and answers the
// envelope (../envelope.js).
import { createScans } from '../scans/index.js';
import { adminResolvers } from './admin.js';
import { consoleResolvers } from './console.js';
import { governanceResolvers } from './governance.js';
import { jobsResolvers } from './jobs.js';
import { projectResolvers } from './project.js';
import { requestResolvers } from './requests.js';
import { scanResolvers } from './scan.js';

// One scan service per container, made at the first call that needs it: its caches of answers
// derived from stored snapshots then serve the calls after it.
let scanService = null;
const scans = () => (scanService ??= createScans());

export function defineResolvers(resolver) {
  const handlers = { ...adminResolvers(scans), ...consoleResolvers(scans), ...governanceResolvers(scans), ...projectResolvers(scans), ...requestResolvers(scans), ...scanResolvers(scans), ...jobsResolvers(scans) };
  for (const [name, handler] of Object.entries(handlers)) resolver.define(name, handler);
}
