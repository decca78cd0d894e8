"""``budget-planner demo``: a SQLite database in the instance folder holding a unit tree that exists
— 广东省 → its 21 地市, 清远市 → its eight 县市区 — with two rounds open at once: the province's
(``guangdong-2024``) and 清远市's county round (``qingyuan-2024``); accounts on the tree (清远市's
is a submitter in the first and the reviewer of the second); and the example submissions of
``examples/`` and ``examples-qingyuan/`` uploaded, submitted and reviewed so that the dashboards
show every status and the histories every version state (有错误, 已上传未提交, 已提交, 已通过,
已退回, 已被取代, 已撤销): a blank template uploaded by mistake after a submission (kept beside it,
or deleted), another unit's file refused, an approval withdrawn, 核定金额 entered with their 核减
reasons and published; and the province's 2023 分配方案 (``examples-2023/``) imported as last
year's closed round, so that 延续 projects and the comparison with last year show. The database is made afresh each time (``demo.sqlite3``, never the
instance's real ``budget_planner.sqlite3``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from budget_planner.storage import db as storage_db
from budget_planner.storage import models, repository
from budget_planner.templates.round import DEFAULT_ROUND, Round
from budget_planner.validators.check.pipeline import Upload, validate_uploads
from budget_planner.web import demo_steps

DEMO_FILE = "demo.sqlite3"
DEMO_PASSWORD = "demo2024"
ADMIN, FINANCE = demo_steps.ADMIN, demo_steps.FINANCE
RETURN_COMMENT, SUFFIXES = demo_steps.RETURN_COMMENT, demo_steps.SUFFIXES
CUT_REASON = demo_steps.CUT_REASON
COUNTY_REVIEWER, COUNTY_FINANCE = "清远市", "清远市财务"
# the demo's accounts: (username, unit, what it holds there); every password is DEMO_PASSWORD
ACCOUNTS = (
    (ADMIN, "广东省", ("reviewer",)),
    (FINANCE, "广东省", ("finance",)),
    (COUNTY_REVIEWER, "清远市", ("reviewer",)),  # 报送单位 in the province's round, 审核 in its own
    (COUNTY_FINANCE, "清远市", ("finance",)),
    ("韶关市", "韶关市", ()),
    ("河源市", "河源市", ()),
    ("梅州市", "梅州市", ()),
    ("清城区", "清城区", ()),
    ("英德市", "英德市", ()),
)
# what happens to each unit's clean newest versions (others are submitted and await review)
PLAN = {
    "清远市": "approve",
    "广州市": "approve",
    "深圳市": "approve",
    "韶关市": "return",
    "东莞市": "draft",
}
# 清远市's county round: 清城区 approved, 英德市 awaiting review, 连州市's file (sent by e-mail,
# uploaded by the city on its behalf) not yet submitted
COUNTY_ROUND = "qingyuan-2024"
COUNTY_PLAN = {"清城区": "approve", "连州市": "draft"}
REVOKE_REASON = "表一的项目与表四重复申报，请删去重复项目后重新提交。"
# mistakes the demo makes after the walk: (unit, table) whose blank template is uploaded by
# mistake after the submission; the first is then deleted (已撤销), the second stays beside it
MISTAKES = (("梅州市", "表四", "delete"), ("清远市", "表四", "keep"))
REVOKED = ("深圳市", "表一")  # an approval withdrawn (撤销通过 → 已退回)
FOREIGN = ("梅州市", "清远市-表四.xlsx")  # another unit's file, refused whole
LAST_YEAR_PLAN = "2023年度分配方案.xlsx"  # examples-2023/: the province's plan of the year before


@dataclass(frozen=True)
class DemoAccount:
    what: str  # its part in each round: "广东省轮次：报送单位；清远市轮次：审核"
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
    rounds: list[tuple[str, str]] = field(default_factory=list)  # (id, title), open at once
    county_statuses: dict[str, list[str]] = field(default_factory=dict)


def examples_dir(name: str = "examples") -> Path:
    """``examples/`` (or ``examples-qingyuan/``, the county round's) beside the package (an
    editable install, a checkout), else in the cwd."""
    beside = Path(__file__).resolve().parents[2] / name
    return beside if beside.is_dir() else Path(name)


def _fresh_database(instance_dir: Path) -> str:
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / DEMO_FILE
    for stale in (path, path.with_name(DEMO_FILE + "-wal"), path.with_name(DEMO_FILE + "-shm")):
        stale.unlink(missing_ok=True)
    return f"sqlite:///{path.resolve()}"


def _accounts(session) -> tuple[list[DemoAccount], dict[str, models.User]]:
    """The demo's accounts on the tree, each described by its part in every round (the roles
    the tree gives it)."""
    users = {}
    for username, unit_name, holds in ACCOUNTS:
        unit = repository.find_one(session, unit_name)
        if unit is None:
            continue
        users[username] = repository.create_user(
            session,
            username,
            DEMO_PASSWORD,
            unit,
            reviewer="reviewer" in holds,
            finance="finance" in holds,
            must_change_password=False,
        )
    made = []
    for username, user in users.items():
        parts = [
            f"{stored.collector.short_name}征集的轮次：{part.labels}"
            for stored, part in repository.account_rounds(session, user)
        ]
        home = user.unit.short_name if user.unit is not None else ""
        made.append(DemoAccount("；".join(parts), username, DEMO_PASSWORD, home))
    return made, users


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


def _county_round(
    session, round_: Round, users: dict[str, models.User], info: DemoInfo, folder: Path
) -> None:
    """清远市's county round, open beside the province's: its 县市区 upload (连州市's file arrives
    by e-mail and the city uploads it), the city's 审核 approves 清城区 and its 财务 enters the
    核定金额; 英德市 waits for review."""
    controls, submissions = demo_steps.files(folder)
    demo_steps.control_numbers(session, round_, controls, info)
    count = demo_steps.upload_examples(
        session, round_, submissions, users, info, reviewer=COUNTY_REVIEWER
    )
    demo_steps.walk_statuses(session, round_.id, COUNTY_PLAN, reviewer=COUNTY_REVIEWER)
    demo_steps.allocations(session, round_.id, info, COUNTY_PLAN, by=COUNTY_FINANCE)
    info.county_statuses = demo_steps.summary(session, round_.id)
    info.notes.append(f"{round_.title}：导入示例文件 {count} 个")
    _forwarded(session, users, info)


def _forwarded(session, users: dict[str, models.User], info: DemoInfo) -> None:
    """清远市 generates its return to the province from its approved 县市区 (生成上报版本): a new
    version beside its approved one, left unsubmitted, so the province's figures stay as they are
    and the 来源单位 of each forwarded row leads to the county's file and cell."""
    from budget_planner.app.forwarding import forward

    done = forward(session, DEFAULT_ROUND, "清远市", actor=users[COUNTY_REVIEWER])
    made = "、".join(
        f"{s.version.submission.table_id}第 {s.version.number} 版" for s in done.stored
    )
    info.notes.append(
        f"清远市：由已审核通过的县市区表格生成上报版本（{done.plan.forwarded} 行），{made}，未提交"
    )


def _last_year(session, round_: Round, info: DemoInfo, folder: Path) -> None:
    """The province's 2023 分配方案 imported as last year's closed round (the service's first
    year): 延续 marks and the comparison with last year on the reconciliation pages."""
    from budget_planner.aggregate.plan_reader import read_last_year_plan
    from budget_planner.storage.last_year import import_plan

    path = folder / LAST_YEAR_PLAN
    if not path.is_file():
        info.notes.append(f"没有找到上年分配方案（{path}）：无法与上年对比")
        return
    data = path.read_bytes()
    plan = read_last_year_plan(data, path.name)
    stored = import_plan(session, round_.id, plan, data, path.name, actor=None)
    info.notes.append(f"导入上年分配方案：{path.name}（{stored.title}，{len(plan.lines)} 个项目）")


def prepare_demo(
    instance_dir: Path,
    examples: Path | None = None,
    county_examples: Path | None = None,
    last_year: Path | None = None,
) -> DemoInfo:
    """Make the demo database afresh and fill it; returns what to print (URL, accounts)."""
    instance_dir = Path(instance_dir).resolve()
    url = _fresh_database(instance_dir)
    engine = storage_db.make_engine(url, instance_dir)
    storage_db.upgrade(engine)
    session = storage_db.make_session_factory(engine)()
    try:
        round_ = demo_steps.load(session, DEFAULT_ROUND)
        county = demo_steps.load(session, COUNTY_ROUND)  # both open at once, on one tree
        info = DemoInfo(
            instance_dir,
            url,
            round_.id,
            round_.title,
            rounds=[(round_.id, round_.title), (county.id, county.title)],
        )
        info.accounts, users = _accounts(session)
        folder = examples or examples_dir()
        controls, submissions = demo_steps.files(folder)
        demo_steps.control_numbers(session, round_, controls, info)
        info.files = demo_steps.upload_examples(session, round_, submissions, users, info)
        demo_steps.walk_statuses(session, round_.id, PLAN)
        _mistakes(session, round_, users, submissions, info)
        demo_steps.allocations(session, round_.id, info, PLAN)
        info.statuses = demo_steps.summary(session, round_.id)
        if not submissions:
            info.notes.append(f"没有找到示例文件（{folder}）：站点中暂无报送数据")
        folder = county_examples or examples_dir("examples-qingyuan")
        _county_round(session, county, users, info, folder)
        _last_year(session, round_, info, last_year or examples_dir("examples-2023"))
        return info
    finally:
        session.close()
        engine.dispose()
