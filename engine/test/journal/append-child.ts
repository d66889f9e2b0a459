// Child process of journal-crash.test.ts: appends commands forever from several concurrent producers
// and prints "<seq> <id>" for every acknowledged one, until it is killed with SIGKILL.
//   node append-child.js <dir> <run>
import { Op } from "@perpx/shared/commands";
import { JournalCommandLog } from "../../src/log/journal/journal-command-log.js";

const [dir, run] = process.argv.slice(2);
if (!dir || run === undefined) throw new Error("usage: append-child <dir> <run>");

const log = await JournalCommandLog.open(dir, { segmentBytes: 64 * 1024, onWarning: () => undefined });
process.stdout.write(`ready ${log.lastSeq()}\n`);
let k = 0;
async function producer(p: number): Promise<never> {
  for (;;) {
    const id = `r${run}-${k++}`;
    const cmd =
      p % 2 === 0
        ? { op: Op.DEPOSIT, ts: Date.now(), userId: p + 1, amount: 1_000_000, txId: id }
        : {
            op: Op.PLACE_ORDER,
            ts: Date.now(),
            orderId: k,
            userId: p + 1,
            symbolId: 1,
            clientOrderId: id,
            side: 0,
            type: 0,
            tif: 0,
            price: 500_000,
            qty: 1,
            stopPrice: 0,
            reduceOnly: false,
            closePosition: false,
            workingType: 0,
            callbackRate: 0,
            activationPrice: 0,
            stp: 1,
          };
    const [seq] = await log.append([cmd as Parameters<typeof log.append>[0][number]]);
    process.stdout.write(`${seq} ${id}\n`);
  }
}
await Promise.all(Array.from({ length: 8 }, (_, p) => producer(p)));
