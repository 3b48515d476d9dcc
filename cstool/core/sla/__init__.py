"""Pure business-time and SLA clock logic (no I/O, no clock reads)."""
