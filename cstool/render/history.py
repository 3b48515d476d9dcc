"""The import history (`cstool imports`): tables for people, records for machines."""

from __future__ import annotations

from cstool.core.models import Record
from cstool.render import Column
from cstool.render.table import print_table
from cstool.render.values import human, iso_instant, many

IMPORT_COLUMNS = [Column("id", "Import", "id"), Column("finished_at", "When", "time", rank=2),
                  Column("kind", "Kind", rank=3), Column("file", "File", "id"), Column("source", "Source", rank=4),
                  Column("rows_read", "Read", "number", rank=5), Column("inserted", "New", "number"),
                  Column("updated", "Upd.", "number", rank=1), Column("unchanged", "Same", "number", rank=6),
                  Column("rejected", "Rej.", "number"), Column("state", "State", rank=1)]
IMPORT_MACHINE = [Column(k, k) for k in ("id", "kind", "file", "sha256", "source", "preset", "encoding", "delimiter",
                                          "started_at", "finished_at", "rows_read", "inserted", "updated",
                                          "unchanged", "skipped", "rejected", "findings", "undone_at",
                                          "priors_dropped_at")]
REJECT_COLUMNS = [Column("record", "Record", "number"), Column("line", "Line", "number", rank=2),
                  Column("column", "Column", rank=1), Column("value", "Value", "id", rank=4),
                  Column("error_type", "Error", rank=3),
                  Column("message", "Reason", wrap=True)]
REJECT_MACHINE = [Column(k, k) for k in ("import_id", "record", "line", "column", "value", "error_type", "message",
                                          "raw")]
TIMES = ("started_at", "finished_at", "undone_at", "priors_dropped_at")


def machine_import(record: Record, tz: str) -> Record:
    return {**record, **{k: iso_instant(record[k], tz) for k in TIMES}}


def csv_import(record: Record, tz: str) -> Record:
    """One import as a flat row: findings as `name=count` joined by `;`."""
    flat = machine_import(record, tz)
    flat["findings"] = [f"{name}={count}" for name, count in sorted(record["findings"].items())]
    return flat


def reject_records(record: Record) -> list[Record]:
    return [{"import_id": record["id"], **r} for r in record["rejects"]]


def _state(record: Record) -> str:
    return ("undone" if record["undone_at"] is not None else "stands" if record["priors_dropped_at"] is None
            else "past undo")


def print_imports(console, records: list[Record], tz: str) -> None:
    rows = [{**r, "state": _state(r)} for r in records]
    print_table(console, rows, IMPORT_COLUMNS, tz=tz, title=f"Imports: {len(records)}",
                empty="No import yet: cstool import tickets FILE.csv")


def print_import(console, record: Record, tz: str) -> None:
    """One import: what was read and written, its findings, then its rejects."""
    lines = [f"Import {record['id']}: {record['kind']} from {record['file']}",
             f"  source {record['source']}, preset {record['preset']}, finished "
             f"{human(record['finished_at'], 'time', tz)}",
             f"  sha256 {record['sha256'] or '-'}",
             f"  read {record['rows_read']:,}: {record['inserted']:,} inserted, {record['updated']:,} updated, "
             f"{record['unchanged']:,} unchanged, {record['skipped']:,} skipped, {record['rejected']:,} rejected",
             "  stands" if record["undone_at"] is None else f"  undone {human(record['undone_at'], 'time', tz)}"]
    for name, count in sorted(record["findings"].items()):
        lines.append(f"  finding {name}: {count:,}")
    for line in lines:
        console.print(line, markup=False, highlight=False)
    if record["rejects"]:
        print_table(console, record["rejects"], REJECT_COLUMNS, tz=tz,
                    title=f"Rejects: {many(len(record['rejects']), 'row')}")


def undo_lines(plan: Record) -> list[str]:
    """What an undo did (or, on a dry run, would do), one line per table that changes."""
    record = plan["import"]
    verb = "would undo" if plan["dry_run"] else "undid"
    lines = [f"{verb} import {record['id']} ({record['kind']} from {record['file']}, source {record['source']})"]
    for table, counts in plan["tables"].items():
        parts = ([f"{many(counts['deleted'], 'row')} it inserted deleted"] if counts["deleted"] else []) + \
            ([f"{many(counts['restored'], 'row')} it updated back to their prior values"] if counts["restored"] else [])
        if parts:
            lines.append(f"  {table}: {', '.join(parts)}")
    if len(lines) == 1:
        lines.append("  no row of it is left in the store")
    if plan["dry_run"]:
        lines.append(f"  SLA clocks of {many(plan['tickets_touched'], 'ticket')} to recompute; nothing written "
                     "(--dry-run)")
    elif plan["clocks_recomputed"]:
        lines.append(f"  SLA clocks recomputed for {many(plan['clocks_recomputed'], 'ticket')}")
    return lines


def machine_plan(plan: Record, tz: str) -> Record:
    return {**plan, "import": machine_import(plan["import"], tz),
            **({"undone_at": iso_instant(plan["undone_at"], tz)} if "undone_at" in plan else {})}
