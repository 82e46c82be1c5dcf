"""What is kept and what is erased: the audit log, data exports, purge."""
