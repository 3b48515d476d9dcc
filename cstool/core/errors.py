"""Narrow exceptions raised by the library; the CLI maps each to one exit code
(docs/semantics.md#errors-and-exit-codes).

Only `cstool.cli` turns these into exit codes: the library never exits.
"""

from __future__ import annotations


class CstoolError(Exception):
    """Base class. `exit_code` follows sysexits(3)."""

    exit_code = 1


class UsageError(CstoolError):
    """A bad option or value given by the user."""

    exit_code = 2


class DataError(CstoolError):
    """Input data rejected (bad rows beyond --max-rejects, undecodable file)."""

    exit_code = 65


class InputMissing(CstoolError):
    """An input file is missing or unreadable, or a looked-up record does not exist."""

    exit_code = 66


class CannotCreate(CstoolError):
    """An output (database, backup, rejects file) cannot be created."""

    exit_code = 73


class TempFailure(CstoolError):
    """Try again later: database busy, lock held, SMTP 4xx or connection failure."""

    exit_code = 75


class ConfigError(CstoolError):
    """Configuration error; the message names file, table and key."""

    exit_code = 78
