// docs/errors.md is generated from the catalog; this keeps the two from drifting apart.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { HTTP_ERRORS, RejectReason } from "@perpx/shared/errors";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

test("docs/errors.md matches the catalog (run scripts/gen-errors-doc.mjs after changing it)", () => {
  const r = spawnSync(process.execPath, [`${root}scripts/gen-errors-doc.mjs`, "--check"], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  const doc = readFileSync(`${root}docs/errors.md`, "utf8");
  for (const [name, e] of Object.entries(HTTP_ERRORS))
    assert.ok(doc.includes(`| ${e.code} | ${e.http} | \`${name}\``), name);
  for (const name of Object.keys(RejectReason)) assert.ok(doc.includes(`\`${name}\``), name);
});
