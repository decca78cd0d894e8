"""Keeping uploads: versions, the re-upload rule, shared bytes, one transaction, project rows."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import builders
import pytest
import sqlalchemy as sa
from test_storage_support import checked_table4, store, table4_rows, upload_table4, validate

from budget_planner.errors import UsageError
from budget_planner.storage import repository as repo
from budget_planner.storage import uploads
from budget_planner.storage.models import (
    Attachment,
    AuditLog,
    Blob,
    ProjectRow,
    Status,
    Submission,
    Version,
)
from budget_planner.validators.report.codes import code
from budget_planner.validators.report.issues import Issue

pytestmark = pytest.mark.usefixtures("world")
pytest_plugins = ["test_storage_support"]


def counts(db) -> dict[str, int]:
    return {
        model.__tablename__: db.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Blob, Submission, Version, ProjectRow, Attachment)
    }


def test_a_version_keeps_the_bytes_report_and_rows(db, world):
    data, checked = upload_table4({"专利导航项目": 50, "商标品牌培育": "12.5"})
    [version] = store(db, world, data, checked)
    assert version.number == 1
    assert version.original_name == "清远市-表四.xlsx"
    assert (version.has_errors, version.total, version.rows_count) == (False, Decimal("62.5"), 2)
    assert version.uploaded_at.utcoffset().total_seconds() == 0
    assert version.submission.status == Status.DRAFT
    assert version.report_json["total"] == "62.5"
    assert version.report_json["table"] == "表四"
    assert repo.version_file(db, version.id, scope=world.qingyuan) == (data, "清远市-表四.xlsx")
    rows = repo.project_rows(db, version.id, scope=world.qingyuan)
    assert [(r.name, r.amount, r.amount_cell, r.key) for r in rows] == [
        ("专利导航项目", Decimal("50"), "E5", "清远市|表四|知识产权高质量创造|专利导航项目"),
        ("商标品牌培育", Decimal("12.5"), "E6", "清远市|表四|知识产权高质量创造|商标品牌培育"),
    ]
    assert rows[0].values_json["amount"] == {"value": "50", "cell": "E5"}


def test_bytes_come_back_exactly_as_sent(db, world):
    data, checked = upload_table4({"专利导航项目": 50})
    odd = data + b"\x00\xff trailing bytes \r\n"  # whatever arrived, byte for byte
    [version] = store(db, world, odd, checked)
    db.expire_all()
    got, _name = repo.version_file(db, version.id, scope=world.admin)
    assert got == odd and hashlib.sha256(got).hexdigest() == version.blob_sha256


def test_reupload_rule_a_b_a_makes_three_versions(db, world):
    a, checked_a = upload_table4({"专利导航项目": 50})
    b, checked_b = upload_table4({"专利导航项目": 60})
    numbers = [
        store(db, world, data, c)[0].number
        for data, c in ((a, checked_a), (b, checked_b), (a, checked_a))
    ]
    assert numbers == [1, 2, 3]
    assert counts(db)["blobs"] == 2  # A's bytes are stored once


def test_reupload_rule_a_a_makes_one_version(db, world):
    a, checked = upload_table4({"专利导航项目": 50})
    first = store(db, world, a, checked)[0]
    again = store(db, world, a, checked, name="清远市-表四(1).xlsx")[0]
    assert again.id == first.id and again.number == 1
    assert counts(db)["versions"] == 1
    actions = [e.action for e in repo.audit_log(db, world.round_id, scope=world.admin)]
    assert actions[:2] == ["upload.unchanged", "upload"]


def test_versions_are_numbered_without_gaps_even_after_a_failure(db, world, monkeypatch):
    a, checked_a = upload_table4({"专利导航项目": 50})
    b, checked_b = upload_table4({"专利导航项目": 60})
    c, checked_c = upload_table4({"专利导航项目": 70})
    store(db, world, a, checked_a)
    with monkeypatch.context() as m:
        m.setattr(uploads, "project_rows_of", _boom)
        with pytest.raises(RuntimeError):
            store(db, world, b, checked_b)
    store(db, world, c, checked_c)
    [submission] = repo.submissions(db, world.round_id, scope=world.qingyuan)
    versions = repo.versions_of(db, submission.id, scope=world.qingyuan)
    assert [(v.number, v.total) for v in versions] == [(1, Decimal(50)), (2, Decimal(70))]


def _boom(*_args, **_kw):
    raise RuntimeError("磁盘在写入途中出错")


def test_an_upload_is_one_transaction(db, world, monkeypatch):
    """A failure after the bytes are written leaves nothing: no blob, version, row or audit entry."""
    data, checked = upload_table4({"专利导航项目": 50})
    audit_before = db.scalar(sa.select(sa.func.count()).select_from(AuditLog))
    monkeypatch.setattr(uploads, "project_rows_of", _boom)
    with pytest.raises(RuntimeError, match="磁盘"):
        store(db, world, data, checked, attachment=(b"%PDF-1.7 scan", "盖章扫描件.pdf"))
    assert counts(db) == {
        "blobs": 0,
        "submissions": 0,
        "versions": 0,
        "project_rows": 0,
        "attachments": 0,
    }
    assert db.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == audit_before
    monkeypatch.undo()
    assert store(db, world, data, checked)[0].number == 1  # the session is usable afterwards


def test_bytes_are_shared_by_sha256_across_units(db, world):
    data, checked = upload_table4({"专利导航项目": 50})
    _, checked_gz = upload_table4({"专利导航项目": 50}, unit="广州市", file="广州市-表四.xlsx")
    mine = store(db, world, data, checked)[0]
    theirs = store(db, world, data, checked_gz, user=world.guangzhou, unit="广州市")[0]
    assert mine.id != theirs.id and mine.blob_sha256 == theirs.blob_sha256
    assert counts(db)["blobs"] == 1
    assert db.get(Blob, mine.blob_sha256).size == len(data)


def test_one_workbook_with_two_tables_makes_two_versions_on_one_blob(db, world):
    data = builders.workbook(
        [
            builders.Submission(
                "表四", rows=table4_rows({"专利导航项目": 50}), sheet="表四"
            ).layout,
            builders.Submission(
                "表二", rows=[builders.subsidy("专利奖配套奖励", 30)], sheet="表二"
            ).layout,
        ]
    )
    versions = store(db, world, data, validate(data, "清远市报送.xlsx"), name="清远市报送.xlsx")
    assert [(v.submission.table_id, v.sheet, v.number, v.total) for v in versions] == [
        ("表四", "表四", 1, Decimal(50)),
        ("表二", "表二", 1, Decimal(30)),
    ]
    assert len({v.blob_sha256 for v in versions}) == 1 and counts(db)["blobs"] == 1
    key = repo.project_rows(db, versions[1].id, scope=world.qingyuan)[0].key
    assert key == "清远市|表二||专利奖配套奖励|清远市知识产权服务中心"  # with its 承接单位
    siblings = repo.upload_siblings(db, versions[1].id, scope=world.qingyuan)
    assert [v.id for v in siblings] == [v.id for v in versions]
    assert repo.upload_siblings(db, versions[1].id, scope=world.guangzhou) == []


def test_upload_after_approval_is_kept_and_flagged(db, world):
    a, checked_a = upload_table4({"专利导航项目": 50})
    b, checked_b = upload_table4({"专利导航项目": 80})
    first = store(db, world, a, checked_a)[0]
    repo.submit(db, first.id, world.qingyuan)
    repo.review(db, first.id, world.admin, "approve")
    later = store(db, world, b, checked_b)[0]
    assert (later.number, later.after_approval) == (2, True)
    assert later.submission.status == Status.APPROVED  # the approved version still counts
    [counted] = repo.counted_versions(db, world.round_id, scope=world.admin)
    assert (counted.version.id, counted.reason, counted.newer_after_approval) == (
        first.id,
        "approved",
        True,
    )
    entry = repo.audit_log(db, world.round_id, scope=world.admin, actions=("upload",))[0]
    assert entry.detail == "表四第 2 版：清远市-表四.xlsx（无错误，在审核通过后上传）"


def test_counted_version_prefers_the_newest_without_errors(db, world):
    good, checked_good = upload_table4({"专利导航项目": 50})
    bad, checked_bad = upload_table4({"专利导航项目": -5})
    store(db, world, good, checked_good)
    store(db, world, bad, checked_bad)
    [counted] = repo.counted_versions(db, world.round_id, scope=world.admin)
    assert (counted.version.number, counted.reason, counted.flagged) == (1, "unsubmitted", False)
    only_bad, checked = upload_table4({"专利导航项目": -1}, unit="广州市")
    store(db, world, only_bad, checked, user=world.guangzhou, unit="广州市")
    flagged = [c for c in repo.counted_versions(db, world.round_id, scope=world.admin) if c.flagged]
    assert [(c.submission.unit.short_name, c.reason) for c in flagged] == [("广州市", "errors")]


def test_an_upload_on_behalf_is_marked_and_audited(db, world):
    data, checked = upload_table4({"专利导航项目": 50})
    [version] = store(db, world, data, checked, user=world.admin, name="邮件附件.xlsx")
    assert (version.on_behalf, version.uploaded_by_name) == (True, "省局")
    [entry] = repo.audit_log(
        db, world.round_id, scope=world.qingyuan, actions=("upload.on_behalf",)
    )
    assert (entry.username, entry.unit_id, entry.version_id) == (
        "省局",
        world.units["清远市"].id,
        version.id,
    )
    assert entry.detail == "表四第 1 版：邮件附件.xlsx（无错误）"


def test_a_unit_cannot_claim_to_upload_on_behalf(db, world):
    data, checked = upload_table4({"专利导航项目": 50})
    with pytest.raises(UsageError, match="只有本轮次的审核可以代为上传"):
        store(db, world, data, checked, on_behalf=True)


def test_finance_does_not_upload(db, world):
    data, checked = upload_table4({"专利导航项目": 50})
    with pytest.raises(repo.PermissionDenied, match="只有报送单位或本轮次的审核才能上传文件"):
        store(db, world, data, checked, user=world.finance)


def test_a_file_without_a_recognisable_table_is_not_kept(db, world):
    checked = validate(b"\xd5\xe2\xca\xc7\xcb\xb5\xc3\xf7", "说明.xlsx")
    assert store(db, world, b"\xd5\xe2\xca\xc7\xcb\xb5\xc3\xf7", checked, name="说明.xlsx") == []
    assert counts(db)["blobs"] == 0
    [entry] = repo.audit_log(db, world.round_id, scope=world.admin, actions=("upload.rejected",))
    assert entry.detail == f"说明.xlsx：{code(checked[0].report.issues[0].code).title}"
    assert entry.detail == "说明.xlsx：扩展名是 Excel，内容却不是（如网页或 XML 表格）"  # no code


def test_the_original_name_is_data_without_path_or_controls(db, world):
    data, checked = upload_table4({"专利导航项目": 50})
    [version] = store(
        db, world, data, checked, name="C:\\Users\\清远\\桌面\\表四\x00\x1b（终稿）.xlsx"
    )
    assert version.original_name == "表四（终稿）.xlsx"


def test_control_characters_never_reach_the_database(db, world):
    rows = table4_rows({"专利\x00导航\x07项目": 50})
    checked = checked_table4(rows)
    checked[0].report.issues.append(
        Issue(
            "policy_basis.no_document", "政策依据未列出文件\x00名称", cell="G5", value="见\x0b附件"
        )
    )
    [version] = store(db, world, b"PK\x03\x04", checked, name="表\x00四.xlsx")
    db.expire_all()
    stored = db.get(Version, version.id)
    issue = stored.report_json["issues"][0]
    assert (issue["message"], issue["value"]) == ("政策依据未列出文件名称", "见附件")
    assert stored.original_name == "表四.xlsx"
    assert db.scalars(sa.select(ProjectRow.name)).one() == "专利导航项目"


def test_the_stamped_scan_is_attached(db, world):
    data, checked = upload_table4({"专利导航项目": 50})
    scan = b"%PDF-1.7\n" + bytes(range(256))
    [version] = store(db, world, data, checked, attachment=(scan, "清远市盖章件.pdf"))
    [attachment] = version.attachments
    assert (attachment.original_name, attachment.mime) == ("清远市盖章件.pdf", "application/pdf")
    assert repo.attachment_file(db, attachment.id, scope=world.qingyuan) == (
        scan,
        "清远市盖章件.pdf",
        "application/pdf",
    )
    assert repo.attachment_file(db, attachment.id, scope=world.guangzhou) is None


def test_allocations_survive_a_resubmission_by_project_key(db, world):
    v1_data, v1 = upload_table4({"专利导航项目": 50, "商标品牌培育": 20})
    first = store(db, world, v1_data, v1)[0]
    repo.submit(db, first.id, world.qingyuan)
    key = repo.project_rows(db, first.id, scope=world.finance)[0].key
    repo.set_allocation(
        db, world.round_id, "清远市", key, Decimal("45.5"), actor=world.finance, reason="压缩"
    )
    v2_data, v2 = upload_table4({"商标品牌培育": 25, "专利导航项目": 55})  # reordered, changed
    second = store(db, world, v2_data, v2)[0]

    def allocated(who) -> dict:
        rows = repo.rows_with_allocations(db, second.id, scope=who)
        return {a.row.name: a.allocated for a in rows}

    assert allocated(world.finance) == {"商标品牌培育": None, "专利导航项目": Decimal("45.5")}
    assert allocated(world.qingyuan) == {"商标品牌培育": None, "专利导航项目": None}  # unpublished
    repo.publish(db, world.round_id, actor=world.finance)
    assert allocated(world.qingyuan) == {"商标品牌培育": None, "专利导航项目": Decimal("45.5")}
    [entry] = repo.audit_log(db, world.round_id, scope=world.admin, actions=("allocation.set",))
    assert (entry.username, entry.detail) == (
        "财务",
        "清远市表四“专利导航项目”（知识产权高质量创造）：无 → 45.5 万元（核减理由：压缩）",
    )


def test_an_allocation_names_its_own_unit(db, world):
    with pytest.raises(UsageError, match="不属于清远市"):
        repo.set_allocation(
            db, world.round_id, "清远市", "广州市|表四|x|y", Decimal(1), actor=world.finance
        )
    with pytest.raises(repo.PermissionDenied):
        repo.set_allocation(
            db, world.round_id, "清远市", "清远市|表四|x|y", Decimal(1), actor=world.qingyuan
        )


def test_a_budget_form_is_kept_per_project_name(db, world):
    def budget(name: str, self_raised: int) -> bytes:
        return builders.make_budget({"project_name": name, "self_raised": self_raised})

    stored = []
    for name, self_raised in (("专利 导航项目", 150), ("商标品牌培育", 150), ("专利导航项目", 160)):
        data = budget(name, self_raised)
        checked = validate(data, "清远市-预算表.xlsx")
        assert checked[0].report.ok, checked[0].report.to_dict()
        stored += store(db, world, data, checked, name="清远市-预算表.xlsx")
    assert [(v.submission.table_id, v.submission.slot, v.number) for v in stored] == [
        ("预算表", "专利导航项目", 1),
        ("预算表", "商标品牌培育", 1),
        ("预算表", "专利导航项目", 2),
    ]
    [row] = repo.project_rows(db, stored[2].id, scope=world.qingyuan)
    assert (row.key, row.amount, row.amount_cell) == (
        "清远市|表四|知识产权高质量创造|专利导航项目",
        Decimal(210),
        "D10",
    )
    assert row.values_json["provincial"] == {"value": "50", "cell": "D11"}
