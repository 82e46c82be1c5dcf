"""Closing an account: eligibility, the state machine, the steps, the worker's jobs, restore."""
