"""Pure ingestion: decoded CSV rows in, canonical records + rejects out (docs/semantics.md#import-guarantees)."""
