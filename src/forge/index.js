// Forge entry points (manifest `function` handlers):
//   index.handler — the resolver behind both pages;
//   index.scanJob — the `consumer` of the `steward-scans` queue: one job of a scan (up to 900 s).
import Resolver from '@forge/resolver';
import { defineResolvers } from './resolvers/index.js';
import { createScans } from './scans/index.js';

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
