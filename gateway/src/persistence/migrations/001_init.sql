-- 001_init: the read model of the distributed mode (SPEC §11). SQL accepted by MariaDB 10.11 and MySQL 8.
--
-- Units (docs/DISTRIBUTED.md): every number is an exact integer in the engine's units, never a float
-- and never a rounded decimal:
--   money (wallets, fees, PnL, funding, insurance)  BIGINT micro-USDT (1 USDT = 1 000 000)
--   prices (price, stop_price, mark_price)           BIGINT at the instrument's priceDecimals
--                                                    (BTCUSDT 50000.1 = 500001)
--   quantities                                       BIGINT at the instrument's qtyDecimals (0.001 = 1)
--   price x qty values (cum_quote_units, entry_value) BIGINT at priceDecimals + qtyDecimals
--   rates                                            BIGINT parts per 1e8 (0.01% = 10000)
--   times                                            BIGINT ms since epoch (UTC)
-- Enums are stored by name ('BUY', 'LIMIT', 'NEW', 'LIQUIDATION'), as on the wire.
-- Every row written from engine events carries `seq`, the engine sequence of the command behind it.
-- Text keys compare byte for byte (utf8mb4_bin): clientOrderIds and API keys are case-sensitive.

CREATE TABLE IF NOT EXISTS users (
  user_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(64) NULL,
  create_time BIGINT NOT NULL COMMENT 'ms',
  seq BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS api_keys (
  api_key VARCHAR(64) NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  secret_enc VARBINARY(512) NOT NULL COMMENT 'secret encrypted at rest by the gateway; never plain text',
  is_admin TINYINT(1) NOT NULL DEFAULT 0,
  create_time BIGINT NOT NULL COMMENT 'ms',
  revoke_time BIGINT NULL COMMENT 'ms; NULL while valid',
  PRIMARY KEY (api_key),
  KEY idx_api_keys_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS accounts (
  account_id BIGINT UNSIGNED NOT NULL COMMENT 'USDT account: = user_id',
  user_id BIGINT UNSIGNED NOT NULL,
  asset VARCHAR(16) NOT NULL,
  wallet_balance BIGINT NOT NULL DEFAULT 0 COMMENT 'cross wallet, micro-USDT',
  seq BIGINT NOT NULL DEFAULT 0,
  update_time BIGINT NOT NULL COMMENT 'ms',
  PRIMARY KEY (account_id),
  UNIQUE KEY uk_accounts_user_asset (user_id, asset)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS instruments (
  symbol_id INT UNSIGNED NOT NULL,
  symbol VARCHAR(32) NOT NULL,
  base_asset VARCHAR(16) NOT NULL,
  quote_asset VARCHAR(16) NOT NULL,
  tick_size VARCHAR(32) NOT NULL,
  step_size VARCHAR(32) NOT NULL,
  price_decimals TINYINT UNSIGNED NOT NULL,
  qty_decimals TINYINT UNSIGNED NOT NULL,
  definition JSON NOT NULL COMMENT 'the full Instrument as the engine holds it (shared/src/domain.ts)',
  seq BIGINT NOT NULL DEFAULT 0,
  update_time BIGINT NOT NULL COMMENT 'ms',
  PRIMARY KEY (symbol_id),
  UNIQUE KEY uk_instruments_symbol (symbol)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS orders (
  order_id BIGINT UNSIGNED NOT NULL,
  client_order_id VARCHAR(36) NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  symbol_id INT UNSIGNED NOT NULL,
  side VARCHAR(4) NOT NULL,
  type VARCHAR(24) NOT NULL,
  time_in_force VARCHAR(4) NOT NULL,
  status VARCHAR(20) NOT NULL,
  price BIGINT NOT NULL COMMENT 'price units',
  stop_price BIGINT NOT NULL COMMENT 'price units',
  orig_qty BIGINT NOT NULL COMMENT 'qty units',
  executed_qty BIGINT NOT NULL COMMENT 'qty units',
  cum_quote_units BIGINT NOT NULL COMMENT 'sum of fill price x qty, price.qty units',
  reduce_only TINYINT(1) NOT NULL,
  close_position TINYINT(1) NOT NULL,
  working_type VARCHAR(16) NOT NULL,
  stp_mode VARCHAR(16) NOT NULL,
  reject_reason VARCHAR(32) NULL,
  create_time BIGINT NOT NULL COMMENT 'ms',
  update_time BIGINT NOT NULL COMMENT 'ms',
  seq BIGINT NOT NULL,
  PRIMARY KEY (order_id),
  UNIQUE KEY uk_orders_user_client (user_id, client_order_id),
  KEY idx_orders_user_time (user_id, create_time),
  KEY idx_orders_user_status (user_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS positions (
  user_id BIGINT UNSIGNED NOT NULL,
  symbol_id INT UNSIGNED NOT NULL,
  position_id VARCHAR(40) NOT NULL COMMENT '{userId}-{symbolId}',
  account_id BIGINT UNSIGNED NOT NULL,
  position_side VARCHAR(5) NOT NULL DEFAULT 'BOTH',
  qty BIGINT NOT NULL DEFAULT 0 COMMENT 'signed qty units, long > 0; 0 = no open position',
  entry_value BIGINT NOT NULL DEFAULT 0 COMMENT 'sum of entry price x qty, price.qty units',
  margin_type VARCHAR(8) NOT NULL,
  leverage SMALLINT UNSIGNED NOT NULL,
  isolated_wallet BIGINT NOT NULL DEFAULT 0 COMMENT 'micro-USDT',
  reason VARCHAR(16) NULL COMMENT 'why it last changed',
  seq BIGINT NOT NULL,
  update_time BIGINT NOT NULL COMMENT 'ms',
  PRIMARY KEY (user_id, symbol_id),
  UNIQUE KEY uk_positions_id (position_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS trades (
  trade_id BIGINT UNSIGNED NOT NULL,
  symbol_id INT UNSIGNED NOT NULL,
  type VARCHAR(12) NOT NULL COMMENT 'NORMAL | LIQUIDATION | ADL',
  price BIGINT NOT NULL COMMENT 'price units',
  qty BIGINT NOT NULL COMMENT 'qty units',
  quote BIGINT NOT NULL COMMENT 'notional, micro-USDT',
  buy_order_id BIGINT UNSIGNED NOT NULL,
  sell_order_id BIGINT UNSIGNED NOT NULL,
  buy_user_id BIGINT UNSIGNED NOT NULL,
  sell_user_id BIGINT UNSIGNED NOT NULL,
  maker_side VARCHAR(4) NOT NULL,
  buy_fee BIGINT NOT NULL COMMENT 'micro-USDT paid; negative = rebate',
  sell_fee BIGINT NOT NULL COMMENT 'micro-USDT paid; negative = rebate',
  buy_realized_pnl BIGINT NOT NULL COMMENT 'micro-USDT',
  sell_realized_pnl BIGINT NOT NULL COMMENT 'micro-USDT',
  seq BIGINT NOT NULL,
  trade_time BIGINT NOT NULL COMMENT 'ms',
  PRIMARY KEY (trade_id),
  KEY idx_trades_buyer (buy_user_id, trade_time),
  KEY idx_trades_seller (sell_user_id, trade_time),
  KEY idx_trades_symbol (symbol_id, trade_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS transactions (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id BIGINT UNSIGNED NOT NULL COMMENT '0 = the insurance fund',
  asset VARCHAR(16) NOT NULL,
  type VARCHAR(16) NOT NULL COMMENT 'DEPOSIT | WITHDRAW | COMMISSION | REALIZED_PNL | FUNDING_FEE | INSURANCE',
  amount BIGINT NOT NULL COMMENT 'micro-USDT, signed from the user''s point of view',
  balance_after BIGINT NULL COMMENT 'wallet after, micro-USDT, when the event carries it',
  symbol_id INT UNSIGNED NULL,
  ref VARCHAR(64) NULL COMMENT 'txId, withdrawId, tradeId, fundingTime or reason',
  seq BIGINT NOT NULL,
  ev_idx INT NOT NULL COMMENT 'index of the event within its seq on matching_engine_output',
  leg TINYINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'trade rows: 0 = buyer, 1 = seller (a self-trade has both)',
  tx_time BIGINT NOT NULL COMMENT 'ms',
  PRIMARY KEY (id),
  UNIQUE KEY uk_transactions_event (seq, ev_idx, leg, type),
  KEY idx_transactions_user_time (user_id, tx_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS funding_histories (
  user_id BIGINT UNSIGNED NOT NULL,
  symbol_id INT UNSIGNED NOT NULL,
  funding_time BIGINT NOT NULL COMMENT 'ms',
  funding_rate BIGINT NOT NULL COMMENT 'parts per 1e8',
  position_qty BIGINT NOT NULL COMMENT 'signed qty units',
  mark_price BIGINT NOT NULL COMMENT 'price units',
  amount BIGINT NOT NULL COMMENT 'micro-USDT from the user''s point of view (negative = paid)',
  seq BIGINT NOT NULL,
  PRIMARY KEY (user_id, symbol_id, funding_time),
  KEY idx_funding_histories_user_time (user_id, funding_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS funding_rates (
  symbol_id INT UNSIGNED NOT NULL,
  funding_time BIGINT NOT NULL COMMENT 'ms',
  funding_rate BIGINT NOT NULL COMMENT 'parts per 1e8',
  mark_price BIGINT NOT NULL COMMENT 'price units',
  seq BIGINT NOT NULL,
  PRIMARY KEY (symbol_id, funding_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS insurance_fund_histories (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  asset VARCHAR(16) NOT NULL,
  balance BIGINT NOT NULL COMMENT 'fund balance after, micro-USDT',
  delta BIGINT NOT NULL COMMENT 'micro-USDT',
  reason VARCHAR(32) NOT NULL COMMENT 'LIQUIDATION_FEE | DEFICIT | FUNDING_RESIDUE | FEE_RESIDUE | ...',
  symbol_id INT UNSIGNED NOT NULL,
  seq BIGINT NOT NULL,
  ev_idx INT NOT NULL,
  update_time BIGINT NOT NULL COMMENT 'ms',
  PRIMARY KEY (id),
  UNIQUE KEY uk_insurance_event (seq, ev_idx),
  KEY idx_insurance_time (asset, update_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Consumers' cursors: the position (seq, idx) of the last event of matching_engine_output each saver
-- applied, written in the same transaction as its rows (event-message.ts explains positions).
CREATE TABLE IF NOT EXISTS applied_sequences (
  consumer VARCHAR(128) NOT NULL,
  last_seq BIGINT NOT NULL,
  last_idx INT NOT NULL,
  update_time BIGINT NOT NULL COMMENT 'ms (wall clock of the saver)',
  PRIMARY KEY (consumer)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
