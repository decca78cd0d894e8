"""The 政策依据 index: the documents cited in 《》 across a round (nested as seed 002's presets write
them), each with the projects and the money citing it, and what its totals do not add up to."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget_planner.matching import ProjectRef, cited_documents, policy_index, policy_text
from budget_planner.templates.round import load_round
from budget_planner.validators.check.checks import DOCUMENT

PLAN = "广东省知识产权保护和运用“十四五”规划"
PRESETS = {p.project: p.values for p in load_round().presets_for("表四") if not p.placeholder}


def test_nested_titles_of_the_seed_presets_are_one_document_each():
    basis = PRESETS["优势示范企业培育和知识产权贯标推进"]["policy_basis"]
    assert cited_documents(basis) == [
        PLAN,
        "国家知识产权局办公室关于组织申报国家知识产权优势企业和国家知识产权示范企业的通知",
        "国家知识产权局关于印发《推动知识产权高质量发展年度工作指引(2020)》的通知",
    ]
    basis = PRESETS["知识产权强市强县建设项目"]["policy_basis"]
    assert cited_documents(basis) == [
        PLAN,
        "广东省人民政府 国家知识产权局关于印发<共建国际一流湾区知识产权强省实施方案>的通知",
    ]


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("《关于强化知识产权保护的意见》也提出有关要求", ["关于强化知识产权保护的意见"]),
        ("《A》《B》《A》", ["A", "B"]),
        ("《广东省地理标志条例》、《 广东省地理标志条例 》", ["广东省地理标志条例"]),
        ("《关于印发《X》的通知》", ["关于印发《X》的通知"]),
        ("《关于印发<X>的通知》《关于印发〈X〉的通知》", ["关于印发<X>的通知"]),
        ("《未写完的文件名《内层文件》", ["内层文件"]),  # the unclosed outer title cites nothing
        ("依据省局有关文件", []),
        ("《》", []),
        ("文件》和《", []),
        (None, []),
    ],
)
def test_cited_documents(text, titles):
    assert cited_documents(text) == titles


def test_a_cell_cites_a_document_exactly_when_the_readers_check_finds_one():
    """``policy_basis.no_document`` (validators/checks.py) and the index agree on a cell's having a
    citation (one difference is left to the check's owner: it takes a blank ``《 》`` for a title)."""
    texts = [v.get("policy_basis", "") for v in PRESETS.values()]
    texts += ["《A《B》", "《》", "无", "《A》》", "《《A》", "》《", "见《关于印发《X》的通知》"]
    for text in texts:
        assert bool(cited_documents(text)) == bool(DOCUMENT.search(text)), text


def row(unit, name, amount, basis, table="表四"):
    money = None if amount is None else Decimal(amount)
    return ProjectRef("guangdong-2024", unit, table, name, money, policy_basis=basis)


def test_the_index_of_a_round():
    centre = PRESETS["高价值专利培育布局中心建设"]["policy_basis"]  # 十四五规划 and the 工作指南
    contest = PRESETS["举办2024年粤港澳大湾区高价值专利培育布局大赛"]["policy_basis"]  # 十四五规划
    rows = [
        row("清远市", "高价值专利培育布局中心建设", "100", centre),
        row("韶关市", "高价值专利培育布局中心建设", "80.5", centre),
        row("清远市", "举办2024年粤港澳大湾区高价值专利培育布局大赛", "20", contest),
        row(
            "河源市",
            "知识产权综合托管服务",
            "12.25",
            "《关于“十四五”知识产权服务业发展的指导意见》",
        ),
        row("河源市", "知识产权人才培训", "5", "按省局要求开展"),
        # straight quotes and no amount yet: the same document, no money
        row("梅州市", "专利导航服务基地建设", None, '《广东省知识产权保护和运用"十四五"规划》'),
    ]
    index = policy_index(rows)
    assert [(d.title, d.total, [r.unit for r in d.rows]) for d in index.documents] == [
        (PLAN, Decimal("200.5"), ["清远市", "韶关市", "清远市", "梅州市"]),
        ("高价值专利培育布局工作指南", Decimal("180.5"), ["清远市", "韶关市"]),
        ("关于“十四五”知识产权服务业发展的指导意见", Decimal("12.25"), ["河源市"]),
    ]
    assert index.round_total == Decimal("217.75")
    assert index.documents_total == Decimal("393.25")
    assert not index.adds_up
    assert [r.unit for r in index.several] == ["清远市", "韶关市"]
    assert [r.name for r in index.uncited] == ["知识产权人才培训"]
    assert index.note == (
        "各文件金额之和 393.25 万元不等于本轮合计 217.75 万元："
        "2 个项目引用多份文件，在每份文件下各计一次；1 个项目未引用文件，不在任何文件下"
    )


def test_an_index_whose_totals_add_up_says_nothing():
    index = policy_index(
        [row("清远市", "知识产权证券化推广项目", "40", "《粤港澳大湾区发展规划纲要》")]
    )
    assert index.adds_up and index.note == ""
    assert policy_index([]).documents == ()


def test_the_policy_text_of_each_table_comes_from_the_spec():
    values = {"policy_basis": "《A》", "subsidy_basis": "《B》", "necessity": "《C》"}
    assert policy_text("表四", values) == "《A》"
    assert policy_text("表一", values) == "《A》"
    assert policy_text("表二", values) == "《B》"
