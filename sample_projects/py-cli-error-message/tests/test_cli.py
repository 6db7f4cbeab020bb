import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ORDERS = [
    ["id", "customer", "total", "note"],
    ["1", "Acme", "12.50", 'said "rush it"'],
    ["2", "Globex", "8", ""],
    ["3", "Initech", "40.25", "two\nlines"],
]


def as_csv(rows, newline):
    def field(v):
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n') else v

    return "".join(",".join(field(v) for v in row) + newline for row in rows)


def csvstat(*args):
    return subprocess.run(
        [sys.executable, "-m", "csvstat", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_summary_of_a_unix_file(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(as_csv(ORDERS, "\n").encode())
    proc = csvstat("summary", "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["rows"] == 3
    assert out["columns"][2]["type"] == "number"


def test_summary_of_a_windows_export(tmp_path):
    path = tmp_path / "orders-crlf.csv"
    path.write_bytes(as_csv(ORDERS, "\r\n").encode())
    proc = csvstat("summary", "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rows"] == 3


def test_unterminated_quote_is_reported(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('id,note\n1,"never closed\n')
    proc = csvstat("columns", str(path))
    assert proc.returncode == 2
    assert "unexpected end of input" in proc.stderr
