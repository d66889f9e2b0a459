// What a reliability test prints when a `?wait=true` order stays unanswered (Traffic.engineAnswers gives
// up): which side is stuck. The engine (restarts, its log, the topics' offsets), the gateway's followers
// (its /metrics: read-model seq, the output consumer's applied marker and offset, the sequence follower's
// offset and pending tickets, their group joins and crashes), whether the gateway's read model knows the
// order's clientOrderId, and every consumer group of the deployment (state, members, committed offsets).
import { readFileSync } from "node:fs";
import {
  INPUT_TOPICS,
  type LogicalTopic,
  OUTPUT_TOPICS,
  SEQUENCE_TOPIC,
} from "@perpx/engine/log/kafka/topics";
import { RestClient } from "../../embedded/client.js";
import type { Deployment } from "./deployment.js";
import type { Traffic } from "./traffic.js";

const ALL: readonly LogicalTopic[] = [...INPUT_TOPICS, SEQUENCE_TOPIC, ...OUTPUT_TOPICS];
const GAUGES =
  /^perpx_(engine_seq|log_seq|log_lag|engine_ready|inflight_orders|output_follower_|sequence_follower_)/;

async function safely(what: string, f: () => Promise<string>): Promise<string> {
  try {
    return await f();
  } catch (e) {
    return `${what}: failed (${String(e)})`;
  }
}

export async function stallReport(d: Deployment, traffic: Traffic): Promise<string> {
  const out: string[] = [];
  const names = d.names;
  out.push(`process restarts ${JSON.stringify(Object.fromEntries(d.crashes))}`);
  out.push(
    await safely("topics", async () => {
      const rows: string[] = [];
      for (const t of ALL) {
        const [p] = await d.admin.fetchTopicOffsets(names.topic(t)).catch(() => []);
        if (p) rows.push(`${t} ${p.low}..${p.high}`);
      }
      return `topics: ${rows.join("; ")}`;
    }),
  );
  for (const [i, url] of d.gatewayUrls.entries()) {
    out.push(
      await safely(`gateway ${i} metrics`, async () => {
        const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
        const lines = (await res.text()).split("\n").filter((l) => GAUGES.test(l));
        const ready = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5000) });
        return `gateway ${i} ready ${ready.status} ${await ready.text()}; metrics: ${lines.join(", ")}`;
      }),
    );
  }
  const p = traffic.probe;
  if (p) {
    out.push(`probe ${p.coid} (user ${p.userId}): answers ${JSON.stringify(Object.fromEntries(p.answers))}`);
    out.push(`probe last answer ${p.last}`);
    for (const [i, url] of d.gatewayUrls.entries()) {
      out.push(
        await safely(`gateway ${i} order lookup`, async () => {
          const r = await new RestClient(url)
            .as(p.key)
            .get(`/api/v1/order?symbol=BTCUSDT&clientOrderId=${encodeURIComponent(p.coid)}`);
          return `gateway ${i} GET order ${p.coid}: ${r.status} ${JSON.stringify(r.body)}`;
        }),
      );
    }
  }
  out.push(
    await safely("groups", async () => {
      const prefix = names.group("");
      const groups = (await d.admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(prefix));
      const described = await d.admin.describeGroups(groups);
      const topics = ALL.map((t) => names.topic(t));
      const rows: string[] = [];
      for (const g of described.groups) {
        const offsets = await d.admin.fetchOffsets({ groupId: g.groupId, topics }).catch(() => []);
        const committed = offsets
          .flatMap((t) => t.partitions.map((q) => ({ t: t.topic.slice(prefix.length), o: q.offset })))
          .filter((x) => !x.o.startsWith("-"))
          .map((x) => `${x.t}@${x.o}`);
        rows.push(
          `${g.groupId.slice(prefix.length)} ${g.state} members ${g.members.length}${committed.length ? ` committed ${committed.join(" ")}` : ""}`,
        );
      }
      return `groups: ${rows.join("; ")}`;
    }),
  );
  out.push(`engine log tail:\n${d.engine.tail(12)}`);
  for (const g of d.gateways) {
    let lines: string[] = [];
    try {
      lines = readFileSync(g.spec.logFile, "utf8")
        .split("\n")
        .filter((l) => /^\[gateway\]|Caused by|gave up/.test(l))
        .slice(-12);
    } catch {}
    out.push(`${g.spec.name} log, last [gateway] lines:\n${lines.join("\n")}`);
  }
  return out.join("\n");
}
