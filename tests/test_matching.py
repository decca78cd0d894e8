"""The project matcher's parts on names as units write them: normalisation, the credit code, the
verdicts and their reasons, and the core staying free of the web and the database."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
from project_pairs import load_pairs

from budget_planner.matching import (
    ProjectRef,
    candidate_pairs,
    credit_code,
    match_projects,
    normal_name,
)
from budget_planner.matching.credit_code import check_character
from budget_planner.validators.read.programmes import leading_places, names_programme


@pytest.mark.parametrize(
    ("raw", "text", "places"),
    [
        ("（一）知识产权金融创新促进计划项目", "知识产权金融创新促进计划", ()),
        ("1.知识产权纠纷多元化解", "知识产权纠纷多元化解", ()),
        ("二、知识产权强企培育", "知识产权强企培育", ()),
        (
            "1、海外分中心知识产权海外应对能力提升\n2、海外知识产权侵权责任险推广",
            "海外分中心知识产权海外应对能力提升海外知识产权侵权责任险推广",
            (),
        ),
        ("举办2024年粤港澳大湾区高价值专利培育布局大赛", "粤港澳大湾区高价值专利培育布局大赛", ()),
        ("专利转化专项计划项目（2024年）", "专利转化专项计划", ()),
        ("２０２４年度专利转化专项计划", "专利转化专项计划", ()),
        ("清远市知识产权强市建设", "知识产权强市", ("清远市",)),
        (
            "广东省清远市市场监督管理局知识产权金融创新工程",
            "知识产权金融创新",
            ("广东省", "清远市"),
        ),
        ("衡阳市珠晖区知识产权保险补贴", "知识产权保险补贴", ("衡阳市", "珠晖区")),
        ("韶关市市场监管局知识产权交易运营服务工程", "知识产权交易运营服务", ("韶关市",)),
        # an area, not a place: 重点园区 and 品牌示范区 stay in the name
        ("重点园区知识产权综合运营中心建设", "重点园区知识产权综合运营中心", ()),
        ("清远市重点园区知识产权综合运营中心", "重点园区知识产权综合运营中心", ("清远市",)),
        ("品牌示范区培育建设试点", "品牌示范区培育试点", ()),
        ("知产证券化推广项目", "知识产权证券化推广", ()),
        ("导航服务基地培育建设", "专利导航服务基地培育", ()),
        ("专利导航服务基地培育建设项目", "专利导航服务基地培育", ()),  # not 专利专利导航
        ("湾高赛", "粤港澳大湾区高价值专利培育布局大赛", ()),
        ("知识产权联盟及专利池建设项目", "知识产权联盟专利池", ()),
        ("知识产权“入园惠企”活动", "知识产权入园惠企", ()),
        ("知识产权质押融资\u00a0风险补偿基金", "知识产权质押融资风险补偿基金", ()),
        ("项目", "", ()),
        (None, "", ()),
    ],
)
def test_normal_name(raw, text, places):
    assert normal_name(raw).text == text
    assert normal_name(raw).places == places


def test_the_place_strip_is_the_programmes_one():
    """One place stripper: the matcher's places are ``programmes.leading_places``, whose fix for a
    bureau after the city (清远市 + 市场监督管理局, not a place 清远市市) programme names share."""
    assert leading_places("2024年清远市市场监督管理局专利技术实施计划") == (
        ("清远市",),
        "专利技术实施计划",
    )
    assert names_programme("清远市市场监督管理局专利技术实施计划", ["专利技术实施计划"])
    assert leading_places("广州市知识产权强市建设") == (("广州市",), "知识产权强市建设")
    assert leading_places("知识产权强市强县建设项目") == ((), "知识产权强市强县建设项目")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("91441800M9JXGT5R6G", "91441800M9JXGT5R6G"),
        ("91441800m9jxgt5r6g", "91441800M9JXGT5R6G"),
        ("914418 00M9JXGT 5R6G", "91441800M9JXGT5R6G"),
        ("\uff19\uff11\uff14\uff14\uff11\uff18\uff10\uff10M9JXGT5R6G", "91441800M9JXGT5R6G"),
        ("9144-1800-M9JX-GT5R-6G", "91441800M9JXGT5R6G"),
        ("91441800M9JXTG5R6G", None),  # two characters swapped: the check character fails
        ("91441800M9JXGT5R6", None),  # one short
        ("91441800O9JXGT5R6G", None),  # O is not in the code's alphabet
        ("", None),
        (None, None),
    ],
)
def test_credit_code(typed, code):
    assert credit_code(typed) == code


def test_check_character_of_a_published_code():
    # 91350100M000100Y43: the example of GB 32100-2015's check computation
    assert check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("a", "b", "same", "reason"),
    [
        ("知识产权证券化推广项目", "知识产权证券化推广项目", True, "名称相同"),
        (
            "2024年度知识产权证券化推广项目",
            "知识产权证券化推广",
            True,
            "名称相同（不计地方、年份、编号和“项目”等通用词）",
        ),
        ("专利转化实施专项", "专利转化专项实施", True, "名称用词相同，次序不同"),
        (
            "知识产权综合托管服务",
            "中小微企业知识产权综合托管服务",
            True,
            "名称相近：一方多出“中小微企业”",
        ),
        (
            "输变电产业专利导航项目",
            "汽车零配件产业专利导航项目",
            False,
            "名称不同：“输变电”与“汽车零配件”",
        ),
        (
            "知识产权保护中心建设",
            "知识产权快速维权中心建设",
            False,
            "名称不同：“保护”与“快速维权”",
        ),
        ("专利技术实施计划", "专利技术实施计划绩效评价", False, "一方是“绩效评价”，另一方不是"),
        (
            "清远市知识产权强市建设",
            "韶关市知识产权强市建设",
            False,
            "地方不同：“清远市”与“韶关市”各自的项目",
        ),
        ("专利奖", "专利奖配套奖励", False, "名称过短，多出“配套奖励”，无法断定"),
        ("项目", "项目", False, "名称为空"),
    ],
)
def test_verdicts_and_their_reasons(a, b, same, reason):
    m = match_projects(a, b)
    assert (m.same, m.reason) == (same, reason)
    assert match_projects(b, a).same == same  # the answer does not depend on the order


def test_the_applicants_code():
    firm, other = "91441800M9JXGT5R6G", "91430481T3QAW90J9X"
    # equal codes: names that differ a little are one project of one applicant
    m = match_projects("一种高效节能变压器专利技术实施", "高效节能变压器专利技术产业化", firm, firm)
    assert m.same and m.reason == "同一申报单位（统一社会信用代码相同），名称相近"
    assert m.score == pytest.approx(0.759)
    # …but not another project of the same applicant
    m = match_projects("重点企业专利导航", "重点企业专利预警分析", firm, firm)
    assert not m.same
    assert (
        m.reason
        == "同一申报单位（统一社会信用代码相同），但是另一项目：名称不同：“导航”与“预警分析”"
    )
    # different codes: different applicants, whatever the names
    m = match_projects("专利技术实施计划", "专利技术实施计划", firm, other)
    assert not m.same
    assert m.reason == f"申报单位不同（统一社会信用代码 {firm} 与 {other}）"
    # a code that fails its check character is a typo and says nothing: the names decide
    assert match_projects("海外知识产权保护", "海外知识产权保护项目", "91441800M9JXTG5R6G", other)
    # a code on one side only: the names decide
    assert not match_projects("重点企业专利导航", "重点企业专利预警", firm, None)


def test_candidate_pairs_miss_no_pair_the_matcher_calls_the_same():
    """The pre-filter of ``double_requests`` is exact: every pair of the labelled set's names that
    the matcher calls the same project is among the candidates (and most other pairs are not)."""
    names = sorted({n for p in load_pairs() for n in (p.name_a, p.name_b)})
    rows = [ProjectRef("r", f"u{n}", "表四", name) for n, name in enumerate(names)]
    candidates = set(candidate_pairs(rows))
    all_pairs = list(itertools.combinations(range(len(names)), 2))
    same = {(i, j) for i, j in all_pairs if match_projects(names[i], names[j]).same}
    assert same and same <= candidates
    assert len(candidates) < len(all_pairs) / 10


def test_matching_core_imports_neither_web_nor_database():
    code = (
        "import sys, budget_planner.matching; "
        "print(sorted(m for m in ('flask', 'click', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
