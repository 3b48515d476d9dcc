"""Opening the SQLite store: file mode, pragmas, migrations, and error translation."""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cstool.core.errors import CannotCreate, ConfigError, DataError, InputMissing, TempFailure
from cstool.store.migrations import MIGRATIONS, SCHEMA_VERSION


def ensure_private_file(path: Path) -> bool:
    """Create `path` empty with mode 0600 if it does not exist. Returns True if created.

    Raises CannotCreate when the directory is missing or not writable (we never create
    directories silently: a typo in --db should not grow a tree), or when `path` is a symbolic
    link to nothing (a private file is never created through one; a link to an existing store is
    fine)."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_symlink() and not path.exists():  # (SQLite would create the target with the default mode)
        raise CannotCreate(f"{path} is a symbolic link to nothing; give the store's real path")
    if not parent.is_dir():
        raise CannotCreate(f"cannot create {path}: directory {parent} does not exist "
                           f"(create it with `mkdir -m 700 -p {parent}` or choose another --db)")
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        raise CannotCreate(f"cannot create {path}: {exc.strerror}") from None
    os.close(fd)
    return True


class Store:
    """The one object that talks SQL. Opened by `open_store`; use as a context manager.

    `read_only` is set when the file or its directory cannot be written (a read-only mount, a
    store of another user): every write then fails with CannotCreate before it starts, and
    `stale_clocks` records that a reader answered without refreshing the SLA clocks."""

    def __init__(self, path: Path, conn: sqlite3.Connection, busy_timeout: float = 30.0, read_only: bool = False):
        self.path = path
        self.conn = conn
        self.busy_timeout = busy_timeout
        self.read_only = read_only
        self.stale_clocks = False
        self.stale_texts = False  # a reader answered without reading the newest comments and subjects
        self.themes: tuple[str, ...] = ()  # the themes `kpi --by theme` groups by (store/texts.choose_themes)
        self.created = False  # open_store made the file in this run
        self.generation: int | None = None  # inside snapshot(): the generation it reads
        self._db: Any = None  # a sqlite_utils.Database, made on first use

    def reader(self) -> Store | None:
        """Another connection to the same file, for reading in another thread (in WAL mode
        readers never block each other or the writer). Inside a snapshot the reader begins its
        own read transaction and is returned only if it sees the same state (same generation);
        None means a write committed in between: read on this connection instead. Close it when done."""
        conn = sqlite3.connect(_uri(self.path, self.read_only), uri=True, timeout=self.busy_timeout,
                               isolation_level=None, check_same_thread=False)
        reader = Store(self.path, conn, self.busy_timeout, self.read_only)
        reader.themes = self.themes
        if self.generation is None:
            return reader
        conn.execute("BEGIN")
        if reader._read_generation() != self.generation:
            reader.close()
            return None
        reader.generation = self.generation
        return reader

    @contextmanager
    def snapshot(self):
        """Every query in the block reads one committed state of the store: one read
        transaction, which in WAL mode blocks no writer and is blocked by none. Yields the
        state's generation. A block inside another shares the outer one."""
        if self.generation is not None:
            yield self.generation
            return
        self.conn.execute("BEGIN")
        try:
            self.generation = self._read_generation()
            yield self.generation
        finally:
            self.generation = None
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")  # (nothing was written: this only ends the read)

    def _read_generation(self) -> int:
        row = self.conn.execute("SELECT generation FROM store_state").fetchone()
        return row[0] if row else 0

    @property
    def db(self):
        """The sqlite-utils Database on this connection (imported on first use: it is slow to load)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def write(self, *, check_foreign_keys: bool = True):
        """One write transaction (`BEGIN IMMEDIATE`): all of it commits, or none of it.

        `check_foreign_keys=False` is for bulk loads whose every reference is made inside the
        transaction itself (an import's rows point at the import row it creates): the check
        costs more per row than the insert of the row's text."""
        if self.read_only:
            raise CannotCreate(f"database {self.path} is read-only (its file or directory cannot be written): "
                               "nothing can be imported or recorded; run this as the store's owner or copy the "
                               "store somewhere writable")
        if self.generation is not None:
            raise RuntimeError("a write inside a read snapshot (end the snapshot first)")
        if not check_foreign_keys:
            self.conn.execute("PRAGMA foreign_keys = OFF")  # (only outside a transaction)
        try:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise _translate(exc, self.path) from None
            try:
                yield self.conn
                if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'store_state'").fetchone():
                    self.conn.execute("UPDATE store_state SET generation = generation + 1")
            except BaseException as exc:
                if self.conn.in_transaction:  # (SQLite has already rolled back after a full disk)
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError) and _storage_problem(exc):
                    raise _translate(exc, self.path) from None
                raise
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise _translate(exc, self.path) from None
        finally:
            if not check_foreign_keys:
                self.conn.execute("PRAGMA foreign_keys = ON")

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]


def sql_literal(text: str) -> str:
    """A text as an SQL string literal (for values built into a statement, such as the windows'
    bounds, where a bound parameter cannot go)."""
    return "'" + text.replace("'", "''") + "'"


def sql_list(values) -> str:
    """Texts as the inside of an SQL `IN (...)` list (empty for none: `IN ()` matches nothing)."""
    return ", ".join(sql_literal(v) for v in values)


_STORAGE = ("locked", "busy", "full", "disk I/O", "readonly")


def _uri(path: Path, read_only: bool) -> str:
    """The SQLite URI of the store: read-only stores are opened `mode=ro`, and `immutable` when
    no write-ahead log exists beside them (SQLite cannot read a WAL store in a directory where it
    may not create the log's index; with no log there is nothing uncommitted to read)."""
    from urllib.parse import quote

    uri = f"file:{quote(str(path.absolute()))}"
    if not read_only:
        return uri
    return uri + ("?mode=ro" if Path(f"{path}-wal").exists() else "?mode=ro&immutable=1")


def _cannot_write(path: Path) -> bool:
    """The store exists but this process may not write it or create its log beside it."""
    parent = path.parent if str(path.parent) else Path(".")
    return path.exists() and not (os.access(path, os.W_OK) and os.access(parent, os.W_OK))


def _storage_problem(exc: sqlite3.OperationalError) -> bool:
    """A problem of the file or the disk rather than of the statement."""
    return any(word in str(exc) for word in _STORAGE)


def _translate(exc: sqlite3.OperationalError, path: Path) -> Exception:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return TempFailure(f"database {path} is busy (another cstool run is writing); try again later")
    if "full" in text or "disk I/O" in text:
        return CannotCreate(f"database {path}: the disk is full or failing (SQLite: {text}); nothing of this "
                            "write was kept: free space and run it again")
    return CannotCreate(f"database {path}: {text}")


def open_store(path: Path, *, create: bool = True, busy_timeout: float = 30.0, now: int | None = None) -> Store:
    """Open (creating 0600 if `create`) and migrate the store at `path`; `now` (epoch seconds,
    from the caller: the store never reads the clock) is recorded with any migration applied.

    A schema newer than this code is refused with ConfigError (exit 78)."""
    path = Path(path)
    created = ensure_private_file(path) if create else False
    try:
        store = _open(path, create, busy_timeout, now)
    except BaseException:
        if created:  # a store that could not be set up leaves no empty file behind
            remove_store_files(path)
        raise
    store.created = created
    return store


def open_read_only(path: Path) -> Store:
    """A read-only connection to an existing store (for a helper process: no migration, no write)."""
    return Store(path, sqlite3.connect(_uri(path, True), uri=True), read_only=True)


def remove_store_files(path: Path) -> None:
    """Delete a store (closed) with its write-ahead log and index: for a store this run created
    and then committed nothing to."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _open(path: Path, create: bool, busy_timeout: float, now: int | None) -> Store:
    if not create and not path.parent.is_dir():
        raise CannotCreate(f"cannot open {path}: directory {path.parent} does not exist")
    if not create and not path.is_file():
        raise InputMissing(f"no database at {path}; import data first (`cstool import tickets FILE`) "
                           "or build the demo (`cstool demo`)")
    read_only = _cannot_write(path)
    try:
        conn = sqlite3.connect(_uri(path, read_only), uri=True, timeout=busy_timeout, isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        if read_only:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        else:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        raise _open_error(exc, path) from None
    store = Store(path, conn, busy_timeout, read_only)
    if mode.lower() != "wal" and not read_only:
        store.close()
        raise CannotCreate(f"database {path}: cannot switch to WAL journal mode (got {mode})")
    try:
        migrate(store, now)
    except sqlite3.DatabaseError as exc:
        store.close()
        raise _open_error(exc, path) from None
    except BaseException:  # (a full disk during a migration: no connection is left open on the file)
        store.close()
        raise
    return store


def _open_error(exc: sqlite3.DatabaseError, path: Path) -> Exception:
    """What opening the store failed on, as the error the user can act on."""
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return TempFailure(f"database {path} is busy; try again later")
    if "full" in text or "disk I/O" in text:
        return CannotCreate(f"cannot open database {path}: the disk is full or failing (SQLite: {text}); free space "
                            "and run it again")
    if "not a database" in text or "malformed" in text:
        return DataError(f"{path} is not a cstool store or is damaged (SQLite: {text}); restore a backup "
                         "(see `cstool db backup`) or point --db at another file")
    return CannotCreate(f"cannot open database {path}: {text}")


def migrate(store: Store, now: int | None = None) -> list[int]:
    """Apply pending migrations in one transaction each; return the versions applied."""
    current = store.schema_version()
    if current > SCHEMA_VERSION:
        store.close()
        raise ConfigError(f"database {store.path} has schema version {current}, newer than this "
                          f"cstool understands ({SCHEMA_VERSION}); upgrade cstool")
    if store.read_only and current < SCHEMA_VERSION:
        store.close()
        raise CannotCreate(f"database {store.path} is read-only and needs upgrading to this cstool's schema "
                           f"(version {current} to {SCHEMA_VERSION}); run cstool once as the store's owner")
    applied = []
    for version, name, sql in MIGRATIONS:
        if version <= current:
            continue
        with store.write() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS migrations "
                         "(version INTEGER PRIMARY KEY, name TEXT, applied_at INTEGER)")
            for statement in sql.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO migrations VALUES (?, ?, ?)", (version, name, now))
            conn.execute(f"PRAGMA user_version = {version}")
        applied.append(version)
    return applied
