"""Pure ingestion: decoded CSV rows in, canonical records + rejects out (DESIGN §5)."""
