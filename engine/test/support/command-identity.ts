// A unique identity per command of the crash test's load (crash-child.ts), so the parent can find every
// acknowledged command in the journal and check that none is there twice. Owner: the crash test.
import type { Command } from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";

export function identityOf(cmd: Command): string {
  switch (cmd.op) {
    case Op.PLACE_ORDER:
      return `o${cmd.orderId}`;
    case Op.DEPOSIT:
      return `t${cmd.txId}`;
    case Op.CREATE_USER:
      return `u${cmd.userId}`;
    case Op.UPSERT_INSTRUMENT:
      return `i${cmd.instrument.symbolId}`;
    default:
      return `${cmd.op}@${cmd.ts}`; // cancels, oracle prices: the child's ts is unique per command
  }
}
