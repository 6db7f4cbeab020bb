"""self-heal's coverage of a pytest run: which lines of the project each test ran.

A pytest plugin (`python -m pytest -p selfheal_coverage ...`, with this file's folder
on PYTHONPATH), written by self-heal to a temp folder outside the sandbox. Settings come
from the environment:

  SELF_HEAL_COV_ROOT    the folder whose files are measured (the project in the sandbox)
  SELF_HEAL_COV_OUT     the JSON file to write
  SELF_HEAL_COV_ENGINE  auto (coverage.py when the project's Python has it, else the
                        built-in tracer), coverage, or tracer
  SELF_HEAL_COV_FAILING the failing tests' node ids, one a line: they run first
  SELF_HEAL_COV_MAX_NEIGHBOURS  most other (passing) tests to run after them
  SELF_HEAL_COV_BUDGET          seconds during which other tests may start once the
                                failing ones are done

coverage.py runs with its own settings (never the project's .coveragerc, which may
omit the very code that broke). Each test is a context named by its node id, switched
around the whole test protocol, so fixtures count for their test. Without coverage.py
a tracer of this file does the same with sys.monitoring (Python 3.12+) or sys.settrace.
Both write coverage.py's `coverage json --show-contexts` shape:

  {"meta": {"format": 3, "engine": "...", "show_contexts": true},
   "files": {"pkg/m.py": {"executed_lines": [3, 4],
                          "contexts": {"3": ["tests/test_m.py::test_a"]}}}}
"""

import json
import os
import sys
import threading

import pytest

ROOT = os.path.realpath(os.environ.get("SELF_HEAL_COV_ROOT") or os.getcwd())
OUT = os.environ.get("SELF_HEAL_COV_OUT") or os.path.join(ROOT, ".self-heal-coverage.json")
ENGINE = os.environ.get("SELF_HEAL_COV_ENGINE", "auto")
# Installed code is never the project's, even when a venv sits inside it.
SKIP_PARTS = ("site-packages", "dist-packages", ".tox", ".nox", "node_modules", ".git")
HERE = os.path.realpath(__file__)
FAILING = [t for t in os.environ.get("SELF_HEAL_COV_FAILING", "").splitlines() if t.strip()]


def _number(name, default, kind=int):
    try:
        return kind(os.environ.get(name, ""))
    except ValueError:
        return default


MAX_NEIGHBOURS = _number("SELF_HEAL_COV_MAX_NEIGHBOURS", None)
BUDGET = _number("SELF_HEAL_COV_BUDGET", None, float)


def is_failing(nodeid):
    """Whether a collected item is one of the failing tests (its id as run from
    another folder, or without parameters, counts)."""
    base = nodeid.split("[")[0]
    for t in FAILING:
        if t == nodeid or t == base or nodeid.endswith("/" + t) or t.endswith("/" + nodeid):
            return True
        tb = t.split("[")[0]
        if "[" not in t and (tb == base or base.endswith("/" + tb)):
            return True
    return False


def relative(filename):
    """The path under ROOT ('/'-separated) of a measured file, else None."""
    if not filename or filename.startswith("<"):
        return None
    path = os.path.realpath(filename)
    if path == HERE or not path.startswith(ROOT + os.sep):
        return None
    rel = path[len(ROOT) + 1 :]
    parts = rel.split(os.sep)
    if any(p in SKIP_PARTS or p.startswith(".venv") or p == "venv" for p in parts):
        return None
    return "/".join(parts)


class Tracer:
    """Lines per file per context, with no dependency."""

    def __init__(self):
        self.context = ""
        self.lines = {}  # rel -> {line: set(contexts)}
        self.wanted = {}  # co_filename -> rel or None
        self.tool = None

    def want(self, filename):
        try:
            return self.wanted[filename]
        except KeyError:
            rel = self.wanted[filename] = relative(filename)
            return rel

    def record(self, rel, line):
        self.lines.setdefault(rel, {}).setdefault(line, set()).add(self.context)

    def start(self):
        mon = getattr(sys, "monitoring", None)
        if mon is not None:
            for tool in (mon.COVERAGE_ID, 4, 3, 2):
                if mon.get_tool(tool) is None:
                    self.tool = tool
                    break
        if self.tool is not None:
            mon.use_tool_id(self.tool, "self-heal")
            mon.register_callback(self.tool, mon.events.LINE, self.on_line)
            mon.set_events(self.tool, mon.events.LINE)
        else:
            threading.settrace(self.global_trace)
            sys.settrace(self.global_trace)

    def stop(self):
        if self.tool is not None:
            mon = sys.monitoring
            mon.set_events(self.tool, 0)
            mon.register_callback(self.tool, mon.events.LINE, None)
            mon.free_tool_id(self.tool)
            self.tool = None
        else:
            sys.settrace(None)
            threading.settrace(None)

    def switch(self, context):
        self.context = context
        if self.tool is not None:
            # Lines disabled after their first hit fire again for the next test.
            sys.monitoring.restart_events()

    def on_line(self, code, line):
        rel = self.want(code.co_filename)
        if rel is not None:
            self.record(rel, line)
        return sys.monitoring.DISABLE

    def global_trace(self, frame, event, arg):
        rel = self.want(frame.f_code.co_filename)
        if rel is None:
            return None
        record = self.record

        def local(frame, event, arg):
            if event == "line":
                record(rel, frame.f_lineno)
            return local

        return local

    def report(self):
        files = {}
        for rel, lines in sorted(self.lines.items()):
            files[rel] = {
                "executed_lines": sorted(lines),
                "contexts": {str(n): sorted(c) for n, c in sorted(lines.items())},
            }
        return {"meta": {"format": 3, "engine": "self-heal tracer", "show_contexts": True}, "files": files}


class CoveragePy:
    """coverage.py with its own settings."""

    def __init__(self, coverage):
        self.cov = coverage.Coverage(
            data_file=None,
            config_file=False,
            source=[ROOT],
            branch=False,
            omit=["*/site-packages/*", "*/dist-packages/*", "*/.venv*/*", "*/venv/*", HERE],
        )
        self.version = coverage.__version__

    def start(self):
        self.cov.start()

    def stop(self):
        self.cov.stop()

    def switch(self, context):
        self.cov.switch_context(context)

    def report(self):
        data = self.cov.get_data()
        files = {}
        for path in sorted(data.measured_files()):
            rel = relative(path)
            if rel is None:
                continue
            contexts = data.contexts_by_lineno(path)
            lines = sorted(data.lines(path) or [])
            files[rel] = {
                "executed_lines": lines,
                "contexts": {str(n): sorted(contexts.get(n, [])) for n in lines},
            }
        engine = "coverage.py " + self.version
        return {"meta": {"format": 3, "engine": engine, "show_contexts": True}, "files": files}


def make_engine():
    if ENGINE in ("auto", "coverage"):
        try:
            import coverage
        except ImportError:
            if ENGINE == "coverage":
                raise
        else:
            return CoveragePy(coverage)
    return Tracer()


_engine = None


def pytest_configure(config):
    global _engine
    if _engine is None:
        _engine = make_engine()
        _engine.start()


def pytest_collection_modifyitems(session, config, items):
    """The failing tests first, then at most MAX_NEIGHBOURS others, in file order."""
    if not FAILING:
        return
    failing = [i for i in items if is_failing(i.nodeid)]
    others = [i for i in items if not is_failing(i.nodeid)]
    keep = others if MAX_NEIGHBOURS is None else others[:MAX_NEIGHBOURS]
    dropped = others[len(keep) :]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = failing + keep


def pytest_runtest_logfinish(nodeid, location):
    """Once the budget after the failing tests (which ran first) is spent, no other
    test starts."""
    global _others_since
    if BUDGET is None or _session is None:
        return
    import time

    if is_failing(nodeid):
        _others_since = time.monotonic()
    elif _others_since is None:
        _others_since = time.monotonic()
    elif time.monotonic() - _others_since > BUDGET:
        _session.shouldstop = "self-heal: the coverage run's time is up"


_session = None
_others_since = None


def pytest_sessionstart(session):
    global _session
    _session = session


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if _engine is not None:
        _engine.switch(item.nodeid)
    yield
    if _engine is not None:
        _engine.switch("")


def pytest_unconfigure(config):
    global _engine
    if _engine is None:
        return
    _engine.stop()
    out = OUT
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        out = "%s.%s" % (OUT, worker)
    with open(out, "w") as f:
        json.dump(_engine.report(), f)
    _engine = None
