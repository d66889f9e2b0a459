#!/usr/bin/env node
// Determinism check of the seeded command streams the execute-ahead tests generate (ahead-helpers.ts
// `stream`: randomSession driving a plain Sequencer with in-thread books). Each stream is generated
// `--runs` times in this process; every run is compared command by command, and by the events of each
// command, with the first. A difference, or a throw in one run only, is printed with the first command
// where the runs part. Needs a build (npx tsc -b). Run it under the conditions of a flaky run, e.g.
//   node scripts/stream-determinism.mjs --runs 5
//   node --jitless scripts/stream-determinism.mjs 5200:59 12100:61
// V8 tiering up early (`--interrupt-budget=3000`) made about 1 process in 10 differ before MatchReport's
// record store became a Float64Array (match-port.ts): loop `node --interrupt-budget=3000` over this.
// Exit code 1 when the runs differ.
import { createHash } from "node:crypto";

const root = new URL("..", import.meta.url).pathname;
const dist = `${root}engine/dist`;
const { OrderBook } = await import(`${dist}/src/matcher/order-book.js`);
const { InThreadMatchPort } = await import(`${dist}/src/sequencer/match-port.js`);
const { Sequencer } = await import(`${dist}/src/sequencer/sequencer.js`);
const { Rng, randomSession } = await import(`${dist}/test/support/random-session.js`);

const args = process.argv.slice(2);
let runs = 3;
const streams = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--runs") runs = Number(args[++i]);
  else {
    const [n, seed] = args[i].split(":").map(Number);
    streams.push({ n, seed });
  }
}
// the streams of execute-ahead-slices.test.ts
if (streams.length === 0) streams.push({ n: 5_200, seed: 59 }, { n: 12_100, seed: 61 });

/** One generation as ahead-helpers.ts `stream` does it, keeping each command and its events' hash. */
function generate(n, seed) {
  const gen = new Sequencer({ matcher: new InThreadMatchPort((id) => new OrderBook(id)) });
  const cmds = [];
  const events = [];
  const scratch = [];
  let error = null;
  try {
    randomSession(new Rng(seed), n, gen, (cmd) => {
      cmds.push(JSON.stringify(cmd));
      gen.apply({ seq: cmds.length, cmd }, scratch);
      events.push(createHash("sha1").update(JSON.stringify(scratch)).digest("hex"));
      scratch.length = 0;
    });
  } catch (e) {
    error = e;
  }
  return { cmds, events, error };
}

let differ = 0;
for (const { n, seed } of streams) {
  const first = generate(n, seed);
  const label = `stream(${n}, ${seed})`;
  const before = differ;
  if (first.error)
    console.log(`${label} run 1 threw after ${first.cmds.length} commands: ${first.error.stack}`);
  for (let r = 2; r <= runs; r++) {
    const again = generate(n, seed);
    const len = Math.max(first.cmds.length, again.cmds.length);
    let at = -1;
    for (let i = 0; i < len && at < 0; i++) {
      if (first.cmds[i] !== again.cmds[i] || first.events[i] !== again.events[i]) at = i;
    }
    const threw = String(first.error?.message) !== String(again.error?.message);
    if (at < 0 && !threw) continue;
    differ++;
    console.log(`${label}: run ${r} differs from run 1`);
    if (at >= 0) {
      console.log(`  first difference at seq ${at + 1}`);
      console.log(`  run 1: ${first.cmds[at]} events ${first.events[at]}`);
      console.log(`  run ${r}: ${again.cmds[at]} events ${again.events[at]}`);
    }
    if (again.error) console.log(`  run ${r} threw: ${again.error.stack}`);
  }
  if (differ === before) console.log(`${label}: ${runs} runs identical (${first.cmds.length} commands)`);
}
process.exit(differ > 0 ? 1 : 0);
