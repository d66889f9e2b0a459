// Shared by the journal tests: temp directories and a deterministic command generator.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";
import { JournalCommandLog } from "../../src/log/journal/journal-command-log.js";

export function tempDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `perpx-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The i-th command of a deterministic stream mixing hot and cold opcodes. */
export function cmd(i: number): Command {
  const ts = 1_700_000_000_000 + i;
  switch (i % 5) {
    case 0:
      return {
        op: Op.PLACE_ORDER,
        ts,
        orderId: 1_000_000 + i,
        userId: 1 + (i % 97),
        symbolId: 1 + (i % 2),
        clientOrderId: `c-${i}`,
        side: (i % 2) as 0 | 1,
        type: 0,
        tif: 0,
        price: 500_000 + (i % 1000),
        qty: 1 + (i % 50),
        stopPrice: 0,
        reduceOnly: false,
        closePosition: false,
        workingType: 0,
        callbackRate: 0,
        activationPrice: 0,
        stp: 1,
      };
    case 1:
      return { op: Op.CANCEL_ORDER, ts, userId: 1 + (i % 97), symbolId: 1, orderId: 1_000_000 + i - 1 };
    case 2:
      return { op: Op.DEPOSIT, ts, userId: 1 + (i % 97), amount: 1_000_000 * (1 + (i % 9)), txId: `tx-${i}` };
    case 3:
      return { op: Op.ORACLE_PRICE, ts, symbolId: 1, price: 500_000 + (i % 333) };
    default:
      return { op: Op.PAY_FUNDING, ts, symbolId: 0, fundingTime: ts };
  }
}

export function cmds(from: number, n: number): Command[] {
  return Array.from({ length: n }, (_, k) => cmd(from + k));
}

/** Reopened, the journal cuts nothing and holds exactly `expected`, from seq 1. */
export async function assertReopensClean(dir: string, expected: readonly Command[]): Promise<void> {
  const again = await JournalCommandLog.open(dir, { onWarning: () => undefined });
  assert.equal(again.recovery.truncated, null);
  assert.deepEqual(
    (await again.read(1, expected.length + 10)).map((r) => r.cmd),
    expected,
  );
  await again.close();
}
