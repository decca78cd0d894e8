"""``aggregate`` never validates the same bytes twice: each file's tables and reports kept as JSON.

An entry is keyed by the SHA-256 of the file's bytes together with its name, the unit expected of it,
the round (its whole definition) and a digest of this package's own files (code, specs, rules) and
of the versions of Python and of the libraries that read a file, so a change to any of them is a new key and an entry is reused only where validation would say the same.
An entry holds what consolidation reads of a file — each table's report, the table as read (rows,
typed values and cells, the 预算表 form) and the workbook's own modified time — encoded losslessly
(Decimals as text, dates, enums and the project's dataclasses tagged), so a report read back equals
a fresh one. Nothing else is trusted: an entry that does not decode (cut short, from another
version, for another key, or naming anything outside this package) is a miss and is recomputed.
Entries are written atomically (a temporary file renamed into place). JSON, never pickle: a cache
folder is no place to execute code from. An unreadable file is never kept (its failure may be the
machine's: a parse out of time or memory).

A control-number workbook is kept the same way, as the numbers read from it (its own kind of key),
so that a second run over the same files starts no parse worker at all. Entries are decoded as the
JSON is parsed (``object_pairs_hook``), the classes they name read ahead.

The one part of a report that depends on the other files of the batch — a 预算表 compared with the
table row it belongs to — is redone over the whole batch by ``rebatch`` whenever entries are reused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import operator
import os
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from budget_planner.aggregate.control import ControlNumbers
from budget_planner.templates.round import Round
from budget_planner.templates.spec import BUDGET, load_specs
from budget_planner.validators.check.budget_checks import budget_row_mismatch
from budget_planner.validators.check.pipeline import Checked, Upload
from budget_planner.validators.read.model import ParsedTable
from budget_planner.validators.report.issues import Issue, Report, sort_issues
from budget_planner.warm import no_cyclic_gc

FORMAT = 1  # the layout of an entry; a change makes every old entry a miss
CACHE_ENV = "BUDGET_PLANNER_CACHE"
PACKAGE = "budget_planner"
# issues of a 预算表 found against the rest of the batch (budget_checks.budget_row_mismatch)
BATCH_CODES = frozenset({"budget.row_mismatch", "budget.no_row"})
RULE_PREFIX = "rule."  # rules run after the batch check (their issues follow it at the same cell)
ENTRY_KEYS = frozenset({"format", "report"})  # the first keys of an entry and of its tables
CLASSES_KEY = '"classes":'
CONTROL = "control"  # the kind of entry of a control-number file
_RAW = json.JSONDecoder()


def default_dir() -> Path:
    """The user's cache folder for budget-planner: ``$BUDGET_PLANNER_CACHE``, else the platform's
    cache folder (``$XDG_CACHE_HOME``, ``~/.cache``; ``%LOCALAPPDATA%`` on Windows) + budget-planner."""
    fixed = os.environ.get(CACHE_ENV, "").strip()
    if fixed:
        return Path(fixed).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "budget-planner" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "budget-planner"
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "budget-planner"


# the libraries that read and check a file: another version may read it otherwise
LIBRARIES = (
    "python-calamine",
    "openpyxl",
    "python-docx",
    "defusedxml",
    "lxml",
    "pandas",
    "pandera",
)


@cache
def package_digest() -> str:
    """SHA-256 over every file of the installed package (code, specs, rules, rounds), by path, with
    the Python and the reading libraries' versions."""
    from importlib import metadata

    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(sys.version.encode())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=?".encode())
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def round_digest(round_: Round) -> str:
    """The round's whole definition (units, requirements, presets …), not only its id."""
    return hashlib.sha256(repr(round_).encode()).hexdigest()


class ReportCache:
    """Entries under ``folder``: ``get`` a file's Checked list or None, ``put`` it after validation."""

    def __init__(self, folder: Path, round_: Round) -> None:
        self.folder = folder
        self._round = round_digest(round_)
        self.hits = 0
        self.misses = 0

    def key(self, upload: Upload, kind: str = "") -> str:
        parts = [
            FORMAT,
            hashlib.sha256(upload.data).hexdigest(),
            upload.name,
            upload.expected_unit,
            self._round,
            package_digest(),
        ]
        if kind:  # another kind of entry for the same bytes (a control-number file)
            parts.append(kind)
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / "reports" / key[:2] / f"{key}.json"

    def get(self, upload: Upload) -> list[Checked] | None:
        found = self._read(self.key(upload), _decode_entry)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, upload: Upload, checked: list[Checked]) -> bool:
        """Keep a file's result; False (and nothing written) when it cannot be kept. An unreadable
        file is never kept: a parse that ran out of time or memory, or whose worker died, may say
        otherwise on a quieter machine or under other limits, and such a file costs little to try."""
        if any(c.report.unreadable for c in checked):
            return False
        key = self.key(upload)
        return self._write(key, lambda: _encode_entry(checked, key))

    def get_control(self, upload: Upload) -> ControlNumbers | None:
        """A control-number file's numbers as read before (not counted among the hits: no
        submission), or None."""
        return self._read(self.key(upload, CONTROL), _decode_control)

    def put_control(self, upload: Upload, control: ControlNumbers) -> bool:
        """Keep a control-number file's numbers (one that could be read: it raised otherwise)."""
        key = self.key(upload, CONTROL)
        return self._write(key, lambda: _encode_control(control, key))

    def _read(self, key: str, decode: Callable[[str, str], Any]) -> Any:
        try:
            text = self._path(key).read_bytes().decode("utf-8")
            with no_cyclic_gc():  # millions of small objects for a long table: no collection
                return decode(text, key)
        except Exception:  # missing, unreadable, cut short, foreign: recompute, never trust
            return None

    def _write(self, key: str, encode: Callable[[], dict[str, Any]]) -> bool:
        try:
            with no_cyclic_gc():
                text = json.dumps(encode(), ensure_ascii=False, separators=(",", ":"))
        except _Unencodable:
            return False
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(text.encode("utf-8"))
                os.replace(tmp, path)  # atomic: a reader sees the old entry or the whole new one
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:  # a read-only or full disk: the run goes on without keeping it
            return False
        return True


# ---------------------------------------------------------------- the batch-wide part


def rebatch(results: list[list[Checked]]) -> None:
    """Redo each 预算表's comparison with the table rows of this batch (as ``validate_uploads``
    does over one batch), in place: the issues found against another batch are replaced, in the
    order the pipeline gives them (after the form's own issues at the same cell, before the rules')."""
    specs = load_specs()
    tables = [c.table for per_file in results for c in per_file if c.table is not None]
    rows = [r for t in tables if t.table in specs.tables for r in t.project_rows]
    for per_file in results:
        for c in per_file:
            if c.table is None or c.table.table != BUDGET:
                continue
            kept = [i for i in c.report.issues if i.code not in BATCH_CODES]
            before = [i for i in kept if not i.code.startswith(RULE_PREFIX)]
            after = [i for i in kept if i.code.startswith(RULE_PREFIX)]
            fresh = budget_row_mismatch(c.table, rows)
            c.report.issues = sort_issues(dict.fromkeys([*before, *fresh, *after]))


# ---------------------------------------------------------------- the JSON form


class _Unencodable(Exception):
    """A value this format does not know: the file is not kept (validated again next time)."""


class _Encoder:
    """Values → JSON: plain types as they are, everything else a tagged object. Classes are named
    once per entry (``classes``) and referred to by number. How a type is encoded is worked out
    at its first value and kept (``_by_type``): an entry holds tens of thousands of values."""

    def __init__(self) -> None:
        self.classes: list[list[Any]] = []
        self._index: dict[type, int] = {}
        self._by_type: dict[type, Callable[[Any], Any]] = {
            Decimal: lambda v: {"d": str(v)},
            dict: lambda v: {"m": [[self(k), self(x)] for k, x in v.items()]},
            tuple: lambda v: {"t": [self(x) for x in v]},
            dt.datetime: lambda v: {"dt": v.isoformat()},
            dt.date: lambda v: {"date": v.isoformat()},
            dt.time: lambda v: {"time": v.isoformat()},
        }

    def _class(self, cls: type, names: list[str] | None) -> int:
        found = self._index.get(cls)
        if found is None:
            if not cls.__module__.startswith(PACKAGE + "."):
                raise _Unencodable(cls)
            found = self._index[cls] = len(self.classes)
            self.classes.append([f"{cls.__module__}:{cls.__qualname__}", names])
        return found

    def __call__(self, v: Any) -> Any:
        t = type(v)
        if t is str or v is None or t is int or t is bool or t is float:
            return v
        if t is list:
            return [self(x) for x in v]
        encode = self._by_type.get(t)
        if encode is None:
            encode = self._by_type[t] = self._encoder(t)
        return encode(v)

    def _encoder(self, t: type) -> Callable[[Any], Any]:
        """How values of the type ``t`` (first met) are encoded: one of this package's enums,
        dataclasses, named tuples or str subclasses, tagged with its class; anything else cannot."""
        if issubclass(t, enum.Enum):
            n = self._class(t, None)
            return lambda v: {"e": n, "v": self(v.value)}
        if dataclasses.is_dataclass(t):
            names = [f.name for f in dataclasses.fields(t)]
            n = self._class(t, names)
            values = operator.attrgetter(*names) if len(names) > 1 else None
            if values is None:
                return lambda v: {"c": n, "v": [self(getattr(v, name)) for name in names]}
            return lambda v: {"c": n, "v": [self(x) for x in values(v)]}
        if issubclass(t, tuple) and hasattr(t, "_fields"):  # a NamedTuple (ProjectKey)
            n = self._class(t, list(t._fields))
            return lambda v: {"n": n, "v": [self(x) for x in v]}
        if issubclass(t, str):  # a str subclass (an Excel error value)
            n = self._class(t, None)
            return lambda v: {"s": n, "v": str(v)}
        raise _Unencodable(t)


def _resolve(name: str, names: list[str] | None) -> type:
    """A class an entry names: only this package's, and with the fields the entry has."""
    module, _, qualname = name.partition(":")
    if not module.startswith(PACKAGE + ".") or module not in sys.modules:
        raise ValueError(name)  # (what a real entry names is loaded by validation already)
    cls: Any = sys.modules[module]
    for part in qualname.split("."):
        cls = getattr(cls, part)
    if not isinstance(cls, type):
        raise ValueError(name)
    if dataclasses.is_dataclass(cls):
        if names != [f.name for f in dataclasses.fields(cls)]:
            raise ValueError(f"{name}: fields changed")
    elif issubclass(cls, tuple):
        if names != list(getattr(cls, "_fields", ())):
            raise ValueError(f"{name}: fields changed")
    elif not issubclass(cls, (enum.Enum, str)):
        raise ValueError(name)
    return cls


class _Decoder:
    """JSON → values, while the text is parsed: each tagged object is turned into its value as the
    parser closes it (``object_pairs_hook``, dispatched on its first key, the tag), its contents
    decoded already; lists and plain values stay as the parser made them."""

    def __init__(self, classes: list[list[Any]]) -> None:
        self.classes = [_resolve(name, names) for name, names in classes]
        self._fields = {
            n: dataclasses.fields(cls)
            for n, cls in enumerate(self.classes)
            if dataclasses.is_dataclass(cls)
        }
        # a dataclass whose fields all go, in order, to its __init__ is built from the list as it is
        self._positional = {
            n: all(f.init and not f.kw_only for f in fields) for n, fields in self._fields.items()
        }
        # one whose __init__ only stores its fields (no __post_init__, no slots): its attributes
        # set at once, as __init__ would leave them (a frozen one's __init__ sets each by hand)
        self._stored = {
            n: tuple(f.name for f in fields)
            for n, fields in self._fields.items()
            if not hasattr(self.classes[n], "__post_init__")
            and not hasattr(self.classes[n], "__slots__")
        }
        self._tags: dict[str, Callable[[dict[str, Any]], Any]] = {
            "d": lambda v: Decimal(v["d"]),
            "m": lambda v: dict(v["m"]),  # [key, value] pairs (not two of them: a miss)
            "t": lambda v: tuple(v["t"]),
            "dt": lambda v: dt.datetime.fromisoformat(v["dt"]),
            "date": lambda v: dt.date.fromisoformat(v["date"]),
            "time": lambda v: dt.time.fromisoformat(v["time"]),
            "e": self._enum,
            "c": lambda v: self._dataclass(v["c"], v["v"]),
            "n": self._named_tuple,
            "s": self._text,
        }

    def __call__(self, pairs: list[tuple[str, Any]]) -> Any:
        """An object's (key, value) pairs, as parsed (``object_pairs_hook``: no dict is made for a
        tagged value); the most frequent tags, a dataclass and a Decimal, read straight off them."""
        tag = pairs[0][0]  # (an empty object: IndexError, a miss)
        if tag == "c":
            if len(pairs) != 2 or pairs[1][0] != "v":
                raise ValueError("not a dataclass")
            return self._dataclass(pairs[0][1], pairs[1][1])
        if tag == "d" and len(pairs) == 1:
            return Decimal(pairs[0][1])
        v = dict(pairs)
        if tag in ENTRY_KEYS:  # the entry itself and each of its tables: not values
            return v
        return self._tags[tag](v)  # an unknown tag: KeyError, a miss

    def _enum(self, v: dict[str, Any]) -> Any:
        cls = self.classes[v["e"]]
        if not issubclass(cls, enum.Enum):
            raise ValueError("not an enum")
        return cls(v["v"])

    def _named_tuple(self, v: dict[str, Any]) -> Any:
        cls = self.classes[v["n"]]
        if not issubclass(cls, tuple):
            raise ValueError("not a named tuple")
        return cls(*v["v"])

    def _text(self, v: dict[str, Any]) -> Any:
        cls = self.classes[v["s"]]
        if not issubclass(cls, str) or not isinstance(v["v"], str):
            raise ValueError("not text")
        return cls(v["v"])

    def _dataclass(self, n: int, values: list[Any]) -> Any:
        cls, fields = self.classes[n], self._fields[n]
        if type(values) is not list or len(values) != len(fields):
            raise ValueError("fields")
        names = self._stored.get(n)
        if names is not None:
            obj: Any = cls.__new__(cls)  # type: ignore[call-overload]
            obj.__dict__.update(zip(names, values, strict=True))
            return obj
        if self._positional[n]:
            return cls(*values)
        init = {f.name: x for f, x in zip(fields, values, strict=True) if f.init}
        obj = cls(**init)
        for f, x in zip(fields, values, strict=True):
            if not f.init:
                object.__setattr__(obj, f.name, x)
        return obj


def _encode_entry(checked: list[Checked], key: str) -> dict[str, Any]:
    enc = _Encoder()
    tables = [
        {"report": enc(c.report), "table": enc(c.table), "modified": enc(c.modified)}
        for c in checked
    ]
    return {"format": FORMAT, "key": key, "classes": enc.classes, "checked": tables}


def _classes(text: str) -> Any:
    """The entry's ``classes``, read ahead of the rest (the decoder needs them as the parser meets
    the values): the entry's own key, written before the tables (``_encode_entry``)."""
    at = text.find(CLASSES_KEY)
    if at < 0:
        raise ValueError("no classes")
    return _RAW.raw_decode(text, at + len(CLASSES_KEY))[0]


def _decoded(text: str, key: str) -> dict[str, Any] | None:
    """The entry with its values decoded, or None when it is not this key's entry."""
    classes = _classes(text)
    entry = json.loads(text, object_pairs_hook=_Decoder(classes))
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
        return None
    return entry if entry.get("classes") == classes else None


def _decode_entry(text: str, key: str) -> list[Checked] | None:
    entry = _decoded(text, key)
    if entry is None:
        return None
    out = []
    for item in entry["checked"]:
        report, table, modified = item["report"], item["table"], item["modified"]
        if type(report) is not Report or (table is not None and type(table) is not ParsedTable):
            return None
        if modified is not None and not isinstance(modified, dt.datetime):
            return None
        if not all(isinstance(i, Issue) for i in report.issues):
            return None
        out.append(Checked(report, table, modified))
    return out or None


def _encode_control(control: ControlNumbers, key: str) -> dict[str, Any]:
    enc = _Encoder()
    value = enc(control)
    return {"format": FORMAT, "key": key, "classes": enc.classes, "control": value}


def _decode_control(text: str, key: str) -> ControlNumbers | None:
    entry = _decoded(text, key)
    control = None if entry is None else entry.get("control")
    if type(control) is not ControlNumbers or type(control.report) is not Report:
        return None
    if not all(isinstance(i, Issue) for i in control.report.issues):
        return None
    return control
