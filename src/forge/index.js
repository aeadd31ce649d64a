// Forge entry points (manifest `function` handlers):
//   index.handler — the resolver behind both pages;
//   index.scanJob — the `consumer` of the `steward-scans` queue: one job of a scan (up to 900 s);
//   index.userEvent — the `trigger` on avi:jira:updated:user / deleted:user (enqueues only);
//   index.dailyRun, index.hourlyRun — the `scheduledTrigger`s (enqueue only);
//   index.workJob — the `consumer` of the `steward-work` queue (src/forge/jobs/).
import Resolver from '@forge/resolver';
import { defineResolvers } from './resolvers/index.js';
import { createScans } from './scans/index.js';
import { work } from './resolvers/jobs.js';

const resolver = new Resolver();
defineResolvers(resolver);

export const handler = resolver.getDefinitions();

let scans = null;

// Forge calls a consumer with the AsyncEvent ({body, jobId, eventId, queueName, retryContext?})
// and the invocation context. The answer may be an InvocationError asking Forge to retry.
export async function scanJob(event) {
  scans ??= createScans();
  return scans.job(event);
}

export const userEvent = (event) => work().userEvent(event);
export const dailyRun = () => work().schedule('daily');
export const hourlyRun = () => work().schedule('hourly');
export const workJob = (event) => work().consume(event);
