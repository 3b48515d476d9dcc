"""The only package that touches SQL (sqlite-utils / sqlite3)."""

from cstool.store.admin import backup_store, imported_files, store_info
from cstool.store.connection import Store, open_store

__all__ = ["Store", "backup_store", "imported_files", "open_store", "store_info"]
