"""Upload several files at once (and a stamped scan), see every problem by cell at once, submit a
clean version (``review.act``). Unit accounts upload for their own unit; admin uploads on a unit's
behalf (admin.py). A new upload never replaces a submitted or approved version until it is itself
submitted (and approved): the page says so before the upload. A unit account's file that names
another unit in its metadata or 填报单位 line is refused whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from budget_planner.errors import UsageError
from budget_planner.storage import models, repository
from budget_planner.storage.other_unit import UploadRefused
from budget_planner.storage.queries import counted_for
from budget_planner.storage.scope import WorkflowConflict
from budget_planner.storage.uploads import StoredTable, clean_file_name, store_upload_tables
from budget_planner.storage.workflow import VersionState, machine_states
from budget_planner.templates.spec import ALL_TABLES
from budget_planner.web import db, rounds, upload_limits, validation
from budget_planner.web.access import REVIEWER, SUBMITTER, here, roles, scope, user
from budget_planner.web.forms import UploadForm

bp = Blueprint("uploads", __name__)

SCAN_TYPES = (  # the stamped scan: PDF or an image, told by its first bytes
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


@dataclass
class TableResult:
    report: dict[str, Any]
    version: models.Version | None = None
    new: bool = True  # False: the same bytes as the newest version, answered with that version
    note: str = ""  # a scan not attached to a version already submitted or approved

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [i for i in self.report["issues"] if i["severity"] == "error"]

    @property
    def state(self) -> VersionState | None:
        if self.version is None:
            return None
        return machine_states(self.version.submission.versions)[self.version.id]

    @property
    def beside(self) -> str:
        """When another, submitted or approved version still counts: what this one must do."""
        if self.version is None:
            return ""
        counted = counted_for(self.version.submission, list(self.version.submission.versions))
        if counted is None or counted.version.id == self.version.id:
            return ""
        if counted.reason not in ("approved", "submitted"):
            return ""
        then = "提交并经审核通过" if counted.reason == "approved" else "提交"
        word = "通过" if counted.reason == "approved" else "提交"
        return f"已{word}的第 {counted.version.number} 版仍然计入；此版本需要{then}后才会替换它。"


@dataclass
class FileResult:
    name: str
    tables: list[TableResult] = field(default_factory=list)
    refused: str | None = None  # another unit's file: nothing of it was stored

    @property
    def stored(self) -> bool:
        return any(t.version is not None for t in self.tables)


def scan_kind(data: bytes) -> str | None:
    return next((kind for magic, kind in SCAN_TYPES if data.startswith(magic)), None)


SCAN_WRONG = "盖章扫描件须为 PDF 或图片（JPG、PNG、TIFF）"


def _attachment(form: UploadForm) -> tuple[bytes, str] | None:
    """The stamped scan, when one was chosen and it is one; a wrong one is said on the field (the
    Excel files are stored without it)."""
    storage = form.attachment.data
    if not storage or not storage.filename:
        return None
    data = storage.read()
    if not data or scan_kind(data) is None:
        form.attachment.errors = [*form.attachment.errors, SCAN_WRONG]
        return None
    return data, clean_file_name(storage.filename)


def _results(checked, stored: list[StoredTable]) -> list[TableResult]:
    """Each table found with the version it was stored as (they come in the order of the
    storable tables: those recognised as one of the round's tables)."""
    pending = iter(stored)
    results = []
    for item in checked:
        storable = item.table is not None and item.report.table in ALL_TABLES and stored
        kept = next(pending, None) if storable else None
        results.append(
            TableResult(
                report=item.report.to_dict(),
                version=kept.version if kept is not None else None,
                new=kept is None or kept.new,
                note=kept.note if kept is not None else "",
            )
        )
    return results


def receive(form: UploadForm, unit_name: str) -> list[FileResult]:
    """Validate the chosen files together, then store each (with the scan when it is one; a
    scan of the wrong kind is left out and said, the valid files are kept all the same)."""
    chosen = form.chosen_files()
    upload_limits.check_count(len(chosen))
    scan = _attachment(form)
    files = [(f.read(), clean_file_name(f.filename)) for f in chosen]
    return store_files(files, scan, unit_name)


def store_files(
    files: list[tuple[bytes, str]], scan: tuple[bytes, str] | None, unit_name: str
) -> list[FileResult]:
    """Validate the files together (a 预算表 is checked against its table row), then store each
    with the scan; the page and the API both come here. The account holds one of its parse slots
    meanwhile (429 when it has none free), and no grid outlives the validation."""
    upload_limits.check_count(len(files))
    stored, config = rounds.required()
    with upload_limits.parse_slot(user().id, len(files)):
        checked_all = validation.check_batch(
            files, config, unit_name, current_app.config.get("VALIDATION_PARSE")
        )
    for checked in checked_all:
        for item in checked:
            item.grid = None  # the file as read: not needed to store or show the results
    session = db.session()
    results = []
    for (data, name), checked in zip(files, checked_all, strict=True):
        try:
            stored_tables = store_upload_tables(
                session,
                round_id=stored.id,
                unit_short_name=unit_name,
                data=data,
                original_name=name,
                checked=checked,
                user=user(),
                attachment=scan,
            )
        except UploadRefused as refused:
            results.append(FileResult(name, _results(checked, []), str(refused)))
        else:
            results.append(FileResult(name, _results(checked, stored_tables)))
    return results


@dataclass(frozen=True)
class Standing:
    """A table of the unit whose counted version a new upload will not replace by itself."""

    label: str
    version_id: int
    message: str


def standing(unit_name: str) -> list[Standing]:
    """The unit's tables whose submitted or approved version counts: a new upload sits beside it
    until it is submitted (what the page says before the upload)."""
    stored, _config = rounds.required()
    session = db.session()
    unit = repository.find_unit(session, stored.id, unit_name, scope=scope())
    if unit is None:
        return []
    found = []
    for counted in repository.counted_versions(session, stored.id, scope=unit.id):
        if counted.reason not in ("approved", "submitted"):
            continue
        submission, version = counted.submission, counted.version
        label = submission.table_id + (f"（{submission.slot}）" if submission.slot else "")
        then = "再次提交并经审核通过" if counted.reason == "approved" else "再次提交"
        found.append(
            Standing(
                label,
                version.id,
                f"已{'通过' if counted.reason == 'approved' else '提交'}第 {version.number} 版；"
                f"新上传的文件需要{then}才会替换",
            )
        )
    return found


@dataclass
class Outcome:
    """What a POST of the upload form came to, for the banner at the top of the page."""

    posted: bool = False
    results: list[FileResult] | None = None
    reasons: list[str] = field(default_factory=list)  # why nothing was stored
    scan_refused: str = ""  # the scan was not stored (the files may have been)

    @property
    def nothing_stored(self) -> bool:
        if not self.posted:
            return False
        return not self.results or not any(f.stored for f in self.results)


def _why_not_stored(results: list[FileResult]) -> list[str]:
    reasons = []
    for file in results:
        if file.refused:
            reasons.append(f"{file.name}：{file.refused}")
        elif not file.stored:
            reasons.append(f"{file.name}：未能识别为本轮的表，请看下面的问题清单")
    return reasons


def _post(form: UploadForm, unit_name: str | None) -> Outcome:
    outcome = Outcome(posted=True)
    if form.validate_on_submit():
        if not unit_name:
            form.unit.errors = ["请选择代为上传的单位"]
        else:
            try:
                outcome.results = receive(form, unit_name)
            except (UsageError, WorkflowConflict) as exc:
                outcome.reasons.append(str(exc))
    if form.attachment.errors:
        outcome.scan_refused = "；".join(str(e) for e in form.attachment.errors)
    if outcome.results:
        outcome.reasons += _why_not_stored(outcome.results)
    for name in ("unit", "files", "csrf_token"):
        found = getattr(form, name, None)
        if found is not None:
            outcome.reasons += [str(e) for e in found.errors]
    return outcome


def upload_page(form: UploadForm, unit_name: str | None, on_behalf: bool):
    """The upload form, or after a POST the result of every file (shared with admin.upload)."""
    outcome = _post(form, unit_name) if request.method == "POST" else Outcome()
    stored, config = rounds.required()
    refusal = None
    if unit_name and not on_behalf:
        unit = repository.find_unit(db.session(), stored.id, unit_name, scope=scope())
        if unit is not None:
            refusal = repository.filing_refusal(db.session(), stored, unit.id)
    return render_template(
        "uploads/index.html",
        form=form,
        outcome=outcome,
        results=outcome.results,
        on_behalf=on_behalf,
        unit_name=unit_name,
        stored=stored,
        required=config.required_tables(unit_name) if unit_name else (),
        standing=standing(unit_name) if unit_name else [],
        refusal=refusal,
    )


@bp.route("/upload", methods=["GET", "POST"])
@roles(SUBMITTER, REVIEWER)
def index():
    if not here().submitter:  # the round's 审核 uploads on a member's behalf
        return redirect(url_for("admin.upload"))
    form = UploadForm()
    del form.unit  # a unit account uploads for its own unit only
    return upload_page(form, user().unit_name, on_behalf=False)
