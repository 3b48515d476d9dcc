"""Readers never see a state that never existed: while another process keeps re-importing two
versions of one export, every output of kpi, sla check and the Nagios check equals the output
for one of the two versions."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REFERENCE, ROOT, SAMPLE_CONFIG, second_version, steady

READS = (("kpi", "--since", "2026-01-01", "--until", "2026-04-01", "--by", "priority", "--compare", "previous",
          "--format", "json"),
         ("sla", "check", "--format", "json"),
         ("sla", "check", "--format", "nagios"))


def _outputs(cli, db) -> tuple[str, ...]:
    results = [cli("--db", db, "--config", SAMPLE_CONFIG, *args, "--as-of", REFERENCE) for args in READS]
    for result in results:
        assert result.exit_code in (0, 1, 2), result.stderr  # (Nagios: 2 is CRITICAL)
    assert results[0].stdout, results[0].stderr
    kpi = json.loads(results[0].stdout)
    del kpi["data"]["newest_import_at"]  # (when the writer last ran, not the data)
    return tuple(steady(text) for text in (json.dumps(kpi, indent=2), *(r.stdout for r in results[1:])))


def test_readers_see_one_import_or_the_other_never_a_mix(tmp_path, cli):
    first = ROOT / "sample_data" / "tickets.csv"
    second = tmp_path / "tickets-v2.csv"
    second.write_text(second_version(first), encoding="utf-8")
    states = []
    for version in (first, second):
        assert cli("--db", tmp_path / "ref.db", "import", "tickets", version).exit_code == 0
        states.append(_outputs(cli, tmp_path / "ref.db"))
    assert states[0] != states[1] and all(a != b for a, b in zip(*states))
    live = tmp_path / "live.db"
    assert cli("--db", live, "import", "tickets", first).exit_code == 0
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import subprocess, sys\n"
         "for i in range(12):\n"
         "    version = sys.argv[2 + i % 2]\n"
         "    subprocess.run([sys.executable, '-m', 'cstool', '--db', sys.argv[1], '--quiet', 'import', "
         "'tickets', version], check=True)\n",
         str(live), str(second), str(first)], cwd=tmp_path)
    reads = 0
    try:
        while writer.poll() is None:
            outputs = _outputs(cli, live)
            for kind, output in enumerate(outputs):
                assert output in (states[0][kind], states[1][kind]), f"{READS[kind]} saw a state that never existed"
            reads += 1
    finally:
        writer.wait(timeout=120)
    assert writer.returncode == 0
    assert reads >= 3, f"only {reads} rounds of reads ran beside the writer"
    assert _outputs(cli, live) == states[0]  # (the writer ended on the first version)
