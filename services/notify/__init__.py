"""Notifications: the outbox and the SMS gateways."""
