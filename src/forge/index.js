// Forge entry point (manifest `function.handler: index.handler`): the resolver behind both pages.
import Resolver from '@forge/resolver';
import { defineResolvers } from './resolvers.js';

const resolver = new Resolver();
defineResolvers(resolver);

export const handler = resolver.getDefinitions();
