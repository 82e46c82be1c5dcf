"""The customer's money: the ledger, withdrawals and the bank behind them."""
