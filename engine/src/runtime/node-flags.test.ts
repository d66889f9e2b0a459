import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ENGINE_NODE_FLAGS } from "./node-flags.js";

test("the Makefile starts the engine with ENGINE_NODE_FLAGS of node-flags.ts", () => {
  const makefile = readFileSync(new URL("../../../../Makefile", import.meta.url), "utf8");
  const line = /^ENGINE_NODE_FLAGS \?= (.*)$/m.exec(makefile);
  assert.ok(line, "Makefile has no ENGINE_NODE_FLAGS ?= line");
  assert.deepEqual(line[1]!.trim().split(/\s+/), [...ENGINE_NODE_FLAGS]);
});
