"""The only package that touches SQL (sqlite-utils / sqlite3)."""

from cstool.store.admin import backup_store, store_info
from cstool.store.connection import Store, open_store

__all__ = ["Store", "open_store", "store_info", "backup_store"]
