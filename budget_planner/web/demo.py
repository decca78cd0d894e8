"""``budget-planner demo``: a SQLite database in the instance folder holding the example round, demo
accounts, and the example submissions of ``examples/`` uploaded, submitted and reviewed so that the
dashboard shows every status and the histories every version state (有错误, 已上传未提交, 已提交,
已通过, 已退回, 已被取代, 已撤销): a blank template uploaded by mistake after a submission (kept
beside it, or deleted), another unit's file refused, an approval withdrawn, 核定金额 entered with
their 核减 reasons and published. The database is made afresh each time (``demo.sqlite3``, never
the instance's real ``budget_planner.sqlite3``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path

from budget_planner.errors import UsageError
from budget_planner.storage import db as storage_db
from budget_planner.storage import models, repository
from budget_planner.templates.round import DEFAULT_ROUND, Round, load_round
from budget_planner.validators.check.pipeline import Upload, validate_uploads

DEMO_FILE = "demo.sqlite3"
DEMO_PASSWORD = "demo2024"
ADMIN, FINANCE = "admin", "finance"
# units with a demo account (username = the short name)
DEMO_UNITS = ("清远市", "韶关市", "河源市", "梅州市")
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".docx"}
# what happens to each unit's clean newest versions (others are submitted and await review)
PLAN = {
    "清远市": "approve",
    "广州市": "approve",
    "深圳市": "approve",
    "韶关市": "return",
    "东莞市": "draft",
}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
RETURN_COMMENT = "请核对各项目金额，并在项目绩效列写明可量化的绩效目标后重新提交。"
REVOKE_REASON = "表一的项目与表四重复申报，请删去重复项目后重新提交。"
CUT_REASON = "按控制数统筹压缩规模"
# mistakes the demo makes after the walk: (unit, table) whose blank template is uploaded by
# mistake after the submission; the first is then deleted (已撤销), the second stays beside it
MISTAKES = (("梅州市", "表四", "delete"), ("清远市", "表四", "keep"))
REVOKED = ("深圳市", "表一")  # an approval withdrawn (撤销通过 → 已退回)
FOREIGN = ("梅州市", "清远市-表四.xlsx")  # another unit's file, refused whole


@dataclass(frozen=True)
class DemoAccount:
    role: str  # 省局管理员 / 财务 / 报送单位
    username: str
    password: str
    unit: str = ""


@dataclass
class DemoInfo:
    instance_dir: Path
    database_url: str
    round_id: str
    round_title: str
    accounts: list[DemoAccount] = field(default_factory=list)
    files: int = 0
    statuses: dict[str, list[str]] = field(default_factory=dict)  # 状态 → "清远市 表四" …
    notes: list[str] = field(default_factory=list)


def examples_dir() -> Path:
    """``examples/`` beside the package (an editable install, a checkout), else in the cwd."""
    beside = Path(__file__).resolve().parents[2] / "examples"
    return beside if beside.is_dir() else Path("examples")


def _fresh_database(instance_dir: Path) -> str:
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / DEMO_FILE
    for stale in (path, path.with_name(DEMO_FILE + "-wal"), path.with_name(DEMO_FILE + "-shm")):
        stale.unlink(missing_ok=True)
    return f"sqlite:///{path.resolve()}"


def _accounts(session, round_id: str) -> tuple[list[DemoAccount], dict[str, models.User]]:
    made = [
        DemoAccount("省局管理员", ADMIN, DEMO_PASSWORD),
        DemoAccount("财务", FINANCE, DEMO_PASSWORD),
    ]
    repository.create_user(session, ADMIN, DEMO_PASSWORD, "admin", must_change_password=False)
    repository.create_user(session, FINANCE, DEMO_PASSWORD, "finance", must_change_password=False)
    users = {}
    for short in DEMO_UNITS:
        unit = repository.find_unit(session, round_id, short, scope=None)
        if unit is None:
            continue
        users[short] = repository.create_user(
            session, short, DEMO_PASSWORD, "unit", unit=unit, must_change_password=False
        )
        made.append(DemoAccount("报送单位", short, DEMO_PASSWORD, short))
    return made, users


def _control_numbers(session, round_: Round, files: list[Path], info: DemoInfo) -> None:
    from budget_planner.aggregate.control import read_control

    for path in files:
        control = read_control(path.read_bytes(), path.name, round_)
        for unit, amount in control.amounts.items():
            repository.set_control_number(session, round_.id, unit, amount, actor=None)
        info.notes.append(f"控制数：{path.name}（{len(control.amounts)} 个单位）")


def _upload_examples(
    session, round_: Round, files: list[Path], users: dict[str, models.User], info: DemoInfo
) -> None:
    """Each example file uploaded by its unit's demo account, or by admin on the unit's behalf,
    in the order the workbooks were last saved (an older draft becomes version 1)."""
    admin = repository.get_user(session, ADMIN)
    payloads = [(p.read_bytes(), p.name) for p in files]
    checked_all = validate_uploads([Upload(d, n) for d, n in payloads], round_)
    oldest_first = sorted(
        zip(payloads, checked_all, strict=True),
        key=lambda item: (
            min((c.modified for c in item[1] if c.modified), default=_EPOCH),
            item[0][1],
        ),
    )
    for (data, name), checked in oldest_first:
        unit = next((c.report.unit for c in checked if c.report.unit), None)
        if unit is None:
            info.notes.append(f"未导入：{name}（无法识别填报单位）")
            continue
        repository.store_upload(
            session,
            round_id=round_.id,
            unit_short_name=unit,
            data=data,
            original_name=name,
            checked=checked,
            user=users.get(unit, admin),
        )
        info.files += 1


def _walk_statuses(session, round_id: str) -> None:
    """The newest clean version of every thread is submitted (except where PLAN keeps it a draft),
    then approved or returned as PLAN says; versions with errors stay as they are."""
    admin = repository.get_user(session, ADMIN)
    for thread in repository.submissions(session, round_id, scope=None):
        newest = thread.versions[-1]
        plan = PLAN.get(thread.unit.short_name, "submit")
        if newest.has_errors or plan == "draft":
            continue
        owner = session.get(models.User, newest.uploaded_by_id) or admin
        repository.submit(session, newest.id, owner)
        if plan == "approve":
            repository.review(session, newest.id, admin, "approve")
        elif plan == "return":
            repository.review(session, newest.id, admin, "return", RETURN_COMMENT)


def _mistakes(
    session, round_: Round, users: dict[str, models.User], files: list[Path], info: DemoInfo
) -> None:
    """Honest mistakes and how the site takes them: a blank template uploaded after a submission
    (it sits beside it; one is deleted), another unit's file (refused), an approval withdrawn."""
    from budget_planner.templates.writer import template_filename, write_table_template

    admin = repository.get_user(session, ADMIN)
    for unit, table, then in MISTAKES:
        user = users.get(unit)
        if user is None:
            continue
        data = write_table_template(round_, table, unit)
        name = template_filename(round_, table, unit)
        checked = validate_uploads([Upload(data, name, unit)], round_)[0]
        [version] = repository.store_upload(
            session,
            round_id=round_.id,
            unit_short_name=unit,
            data=data,
            original_name=name,
            checked=checked,
            user=user,
        )
        if then == "delete":
            repository.act(session, version.id, user, "delete")
            info.notes.append(f"误传后撤销：{unit}{table}（空白模板，已撤销）")
        else:
            info.notes.append(
                f"通过后又上传：{unit}{table}（空白模板，未提交，计入的仍是已通过的版本）"
            )
    unit, file_name = FOREIGN
    foreign = next((p for p in files if p.name == file_name), None)
    if foreign is not None and unit in users:
        checked = validate_uploads([Upload(foreign.read_bytes(), foreign.name, unit)], round_)[0]
        try:
            repository.store_upload(
                session,
                round_id=round_.id,
                unit_short_name=unit,
                data=foreign.read_bytes(),
                original_name=foreign.name,
                checked=checked,
                user=users[unit],
            )
        except repository.UploadRefused:
            info.notes.append(f"拒收：{unit}上传的 {foreign.name}（其他单位的文件，未保存）")
    unit, table = REVOKED
    for thread in repository.submissions(session, round_.id, scope=None):
        if (thread.unit.short_name, thread.table_id) != (unit, table):
            continue
        approved = [v for v in thread.versions if v.state == "approved"]
        if approved:
            repository.act(session, approved[-1].id, admin, "revoke", comment=REVOKE_REASON)
            info.notes.append(f"撤销通过：{unit}{table}（已退回）")


def _allocations(session, round_id: str, info: DemoInfo) -> None:
    """Finance's 核定金额 for the approved units' 表四: what each project asked for, the largest
    cut by a tenth (within the control number, as the site requires)."""
    finance = repository.get_user(session, FINANCE)
    for short, plan in PLAN.items():
        unit = repository.find_unit(session, round_id, short, scope=None)
        if plan != "approve" or unit is None:
            continue
        projects = repository.requested_projects(session, round_id, unit.id)
        asked = {k: p.amount for k, p in projects.items() if p.table == "表四" and p.amount}
        if not asked:
            continue
        largest = max(asked, key=lambda k: asked[k])
        amounts: dict[str, Decimal | None] = {
            k: (a * 9 / 10 if k == largest else a) for k, a in asked.items()
        }
        try:
            repository.set_allocations(
                session, round_id, short, amounts, actor=finance, reasons={largest: CUT_REASON}
            )
        except repository.AllocationRefused:
            continue  # over the control number: left for finance to decide in the demo
        info.notes.append(f"核定金额：{short}表四 {len(amounts)} 个项目")
    try:
        publication = repository.publish(session, round_id, actor=finance)
    except UsageError:
        return  # nothing approved yet (no examples)
    info.notes.append(f"发布核定金额：{len(publication.lines)} 个项目（各单位可见）")


def _summary(session, round_id: str, info: DemoInfo) -> None:
    matrix = repository.completeness(session, round_id, scope=None)
    assert matrix is not None
    found: dict[str, list[str]] = defaultdict(list)
    for row in matrix.rows:
        for table, cell in row.cells.items():
            if cell.submission_id is not None:
                found[cell.label].append(f"{row.short_name}{table}")
    info.statuses = dict(found)


def prepare_demo(instance_dir: Path, examples: Path | None = None) -> DemoInfo:
    """Make the demo database afresh and fill it; returns what to print (URL, accounts)."""
    instance_dir = Path(instance_dir).resolve()
    url = _fresh_database(instance_dir)
    engine = storage_db.make_engine(url, instance_dir)
    storage_db.upgrade(engine)
    session = storage_db.make_session_factory(engine)()
    try:
        round_ = load_round()
        toml_text = (
            resources.files("budget_planner.templates.rounds")
            .joinpath(f"{DEFAULT_ROUND}.toml")
            .read_text("utf-8")
        )
        repository.load_round_into_db(session, round_, toml_text)
        repository.open_round(session, round_.id)
        info = DemoInfo(instance_dir, url, round_.id, round_.title)
        info.accounts, users = _accounts(session, round_.id)
        folder = examples or examples_dir()
        found = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
        controls = [p for p in found if "控制数" in p.name]
        submissions = [p for p in found if p.suffix.lower() in SUFFIXES and p not in controls]
        _control_numbers(session, round_, controls, info)
        _upload_examples(session, round_, submissions, users, info)
        _walk_statuses(session, round_.id)
        _mistakes(session, round_, users, submissions, info)
        _allocations(session, round_.id, info)
        _summary(session, round_.id, info)
        if not found:
            info.notes.append(f"没有找到示例文件（{folder}）：站点中暂无报送数据")
        return info
    finally:
        session.close()
        engine.dispose()
