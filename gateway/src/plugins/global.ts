// Marks a plugin as non-encapsulated (what fastify-plugin does): its hooks, decorators and parsers
// apply to the whole app, not only to routes registered inside it.
import type { FastifyPluginAsync } from "fastify";

export function global<T extends FastifyPluginAsync>(fn: T, name: string): T {
  Object.assign(fn, { [Symbol.for("skip-override")]: true, [Symbol.for("fastify.display-name")]: name });
  return fn;
}
