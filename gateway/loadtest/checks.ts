// The load test's verdict on /metrics: every (method, route, status) count the generator saw must be the
// delta the exchange reports, the commands its accepted requests appended must be the gateway's command
// delta, the log must hold exactly those plus the schedulers' commands, and all of it must be applied.
import { requestDeltas, type Samples, value } from "./prom.js";
import type { Check } from "./report.js";
import type { Recorder } from "./stats.js";

export function checksFrom(rec: Recorder, before: Samples, after: Samples): Check[] {
  const checks: Check[] = [];
  const got = requestDeltas(before, after);
  const keys = new Set([...got.keys(), ...rec.responses.keys()]);
  for (const k of [...keys].sort()) {
    const mine = rec.responses.get(k) ?? 0;
    const theirs = got.get(k) ?? 0;
    checks.push({ name: `/metrics requests ${k}`, expected: mine, actual: theirs, ok: mine === theirs });
  }
  const d = (name: string) => value(after, name) - value(before, name);
  const gw = d("perpx_gateway_commands_total");
  const sched = d("perpx_scheduler_commands_total");
  checks.push(
    {
      name: "Δ perpx_gateway_commands_total = generator's appended commands",
      expected: rec.commands,
      actual: gw,
      ok: gw === rec.commands,
    },
    {
      name: "Δ perpx_log_seq = Δ gateway + Δ scheduler commands",
      expected: gw + sched,
      actual: d("perpx_log_seq"),
      ok: d("perpx_log_seq") === gw + sched,
    },
    {
      name: "perpx_engine_applied_seq = perpx_log_seq (all applied)",
      expected: value(after, "perpx_log_seq"),
      actual: value(after, "perpx_engine_applied_seq"),
      ok: value(after, "perpx_log_seq") === value(after, "perpx_engine_applied_seq"),
    },
    {
      name: "Δ perpx_engine_apply_seconds_count = Δ gateway commands",
      expected: gw,
      actual: d("perpx_engine_apply_seconds_count"),
      ok: d("perpx_engine_apply_seconds_count") === gw,
    },
    { name: "5xx answers", expected: 0, actual: rec.serverErrors, ok: rec.serverErrors === 0 },
    { name: "transport errors", expected: 0, actual: rec.transportErrors, ok: rec.transportErrors === 0 },
  );
  return checks;
}
