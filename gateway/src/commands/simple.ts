// Commands whose answer is an echo plus an outcome: 202 ACCEPTED once durable, or with ?wait=true
// 200 APPLIED / REJECTED (with the engine's reason) once the engine has applied it, 504 otherwise.
import type { Command } from "@perpx/shared/commands";
import type { CommandContext } from "./context.js";
import type { Answer } from "./order-entry.js";

export async function submitSimple(
  c: CommandContext,
  userId: number | undefined,
  cmd: Command,
  echo: Record<string, unknown>,
  wait: boolean,
  applied?: () => Record<string, unknown>,
): Promise<Answer<Record<string, unknown>>> {
  const [seq = 0] = await c.writer.append([cmd]);
  if (!wait) return { status: 202, body: { ...echo, status: "ACCEPTED" } };
  const outcome = await c.writer.waitApplied(seq, echo, userId);
  const extra = outcome.status === "APPLIED" && applied ? applied() : {};
  return { status: 200, body: { ...echo, ...extra, ...outcome } };
}
