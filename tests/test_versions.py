"""Which version of a unit × table the CLI aggregates (DESIGN §5): document time, file time, name."""

from __future__ import annotations

import datetime as dt

from aggregate_helpers import budget_file, error, table_file, unreadable_file

from budget_planner.aggregate.versions import Candidate, choose_versions

ROW = {"category": "知识产权管理", "project": "知识产权管理能力提升", "amount": "20"}


def test_newest_document_time_counts_whatever_the_names_and_file_times():
    files = [
        table_file("表四", "清远市", [ROW], file="a/清远市-表四-最终版.xlsx",
                   modified="2023-12-01 09:00", file_time="2023-12-20 08:00"),
        table_file("表四", "清远市", [ROW], file="b/清远市-表四.xlsx",
                   modified="2023-12-10 16:30", file_time="2023-12-02 08:00"),
        table_file("表四", "清远市", [ROW], file="c/清远市-表四-修改.xlsx",
                   modified="2023-12-05 11:00", file_time="2023-12-21 08:00"),
    ]  # fmt: skip
    choice = choose_versions(files)
    [counted] = choice.counted
    assert (counted.unit, counted.table, counted.file) == ("清远市", "表四", "b/清远市-表四.xlsx")
    assert (counted.version, counted.versions) == (3, 3)
    assert [(s.file, s.version) for s in choice.superseded] == [
        ("a/清远市-表四-最终版.xlsx", 1),
        ("c/清远市-表四-修改.xlsx", 2),
    ]
    assert choice.superseded[0].reason == (
        "被较新的版本取代：b/清远市-表四.xlsx（第 3 版；文档修改时间 2023-12-10 16:30 "
        "晚于本文件的 2023-12-01 09:00）"
    )


def test_file_time_then_name_break_ties_and_the_reason_says_which():
    same = "2023-12-10 10:00"
    by_file_time = choose_versions([
        table_file("表一", "韶关市", [ROW], file="x.xlsx", modified=same, file_time="2023-12-11 10:00"),
        table_file("表一", "韶关市", [ROW], file="y.xlsx", modified=same, file_time="2023-12-12 10:00"),
    ])  # fmt: skip
    assert by_file_time.counted[0].file == "y.xlsx"
    assert "文件修改时间 2023-12-12 10:00 晚于本文件的 2023-12-11 10:00" in (
        by_file_time.superseded[0].reason
    )
    by_name = choose_versions([
        table_file("表一", "韶关市", [ROW], file="2.xlsx", modified=same, file_time=same),
        table_file("表一", "韶关市", [ROW], file="1.xlsx", modified=same, file_time=same),
    ])  # fmt: skip
    assert by_name.counted[0].file == "2.xlsx"
    assert by_name.superseded[0].file == "1.xlsx"
    assert "按文件名排序在后" in by_name.superseded[0].reason


def test_a_file_without_document_time_is_older_than_one_with_it():
    choice = choose_versions([
        table_file("表四", "清远市", [ROW], file="有时间.xlsx", modified="2023-01-01 00:00"),
        table_file("表四", "清远市", [ROW], file="无时间.xlsx", file_time="2024-01-01 00:00"),
    ])  # fmt: skip
    assert choice.counted[0].file == "有时间.xlsx"
    assert "本文件未记录文档修改时间" in choice.superseded[0].reason


def test_naive_document_times_are_utc_and_compare_with_aware_ones():
    utc_naive = table_file("表四", "清远市", [ROW], file="naive.xlsx")
    utc_naive.checked.modified = dt.datetime(2023, 12, 10, 2, 0)  # 10:00 in Beijing
    aware = table_file("表四", "清远市", [ROW], file="aware.xlsx", modified="2023-12-10 09:59")
    choice = choose_versions([utc_naive, aware])
    assert choice.counted[0].file == "naive.xlsx"
    assert "文档修改时间 2023-12-10 10:00 晚于本文件的 2023-12-10 09:59" in (
        choice.superseded[0].reason
    )


def test_units_and_tables_are_versioned_separately():
    choice = choose_versions([
        table_file("表四", "清远市", [ROW], modified="2023-12-01 09:00"),
        table_file("表一", "清远市", [ROW], modified="2023-12-02 09:00"),
        table_file("表四", "韶关市", [ROW], modified="2023-12-03 09:00"),
    ])  # fmt: skip
    assert sorted((v.unit, v.table, v.version) for v in choice.counted) == [
        ("清远市", "表一", 1),
        ("清远市", "表四", 1),
        ("韶关市", "表四", 1),
    ]
    assert choice.superseded == []


def test_budget_forms_are_versioned_per_project_name():
    values = {"table_ref": "表四", "total": "10", "provincial": "10"}
    choice = choose_versions([
        budget_file("清远市", "专利导航项目", values, file="导航-旧.xlsx", modified="2023-12-01 09:00"),
        budget_file("清远市", "专利导航项目", values, file="导航-新.xlsx", modified="2023-12-02 09:00"),
        budget_file("清远市", "知识产权纠纷多元化解", values, modified="2023-11-01 09:00"),
    ])  # fmt: skip
    counted = sorted((v.project, v.file, v.version) for v in choice.counted)
    assert counted == [
        ("专利导航项目", "导航-新.xlsx", 2),
        ("知识产权纠纷多元化解", "清远市-预算表-知识产权纠纷多元化解.xlsx", 1),
    ]
    [old] = choice.superseded
    assert (old.table, old.project, old.file) == ("预算表", "专利导航项目", "导航-旧.xlsx")


def test_a_budget_revised_with_its_place_before_the_name_is_a_version_of_the_same_project():
    # v2 names it 蒸湘区专利导航…: the same project (it was counted beside v1, the budgets doubled)
    values = {"table_ref": "表四", "total": "40", "provincial": "40"}
    choice = choose_versions([
        budget_file("清远市", "专利导航服务基地培育建设项目", values, file="v1.xlsx",
                    modified="2023-12-01 09:00"),
        budget_file("清远市", "清远市专利导航服务基地培育建设项目", values, file="v2（修改版）.xlsx",
                    modified="2023-12-02 09:00"),
    ])  # fmt: skip
    [counted] = choice.counted
    assert (counted.project, counted.file, counted.version) == (
        "清远市专利导航服务基地培育建设项目",
        "v2（修改版）.xlsx",
        2,
    )
    assert [s.file for s in choice.superseded] == ["v1.xlsx"]


def test_the_newest_counts_even_with_errors_and_is_flagged():
    choice = choose_versions([
        table_file("表四", "清远市", [ROW], file="old-ok.xlsx", modified="2023-12-01 09:00"),
        table_file("表四", "清远市", [ROW], file="new-bad.xlsx", modified="2023-12-02 09:00",
                   issues=[error("amount.negative", "E6")]),
    ])  # fmt: skip
    [counted] = choice.counted
    assert counted.file == "new-bad.xlsx"
    assert counted.flagged
    assert not choice.superseded[0].checked.report.issues


def test_files_without_unit_or_table_are_reported_never_aggregated():
    no_unit = table_file("表四", None, [ROW], file="无单位.xlsx")
    broken = unreadable_file("坏文件.xlsx")
    unknown = table_file("表四", "清远市", [ROW], file="不明表.xlsx")
    unknown.checked.report.table = None
    unknown.checked.table.table = None
    choice = choose_versions([no_unit, broken, unknown])
    assert choice.counted == []
    assert [(u.file, u.reason) for u in choice.unassigned] == [
        ("无单位.xlsx", "无法识别填报单位，未计入汇总")
    ]
    assert [(u.file, u.reason) for u in choice.unrecognised] == [
        ("坏文件.xlsx", "文件无法读取：文件已损坏，无法读取"),
        ("不明表.xlsx", "无法识别是哪一张表"),
    ]


def test_tables_of_one_workbook_keep_their_sheet_order_as_last_tie_breaker():
    a = table_file("表四", "清远市", [ROW], file="book.xlsx", modified="2023-12-01 09:00")
    b = table_file("表四", "清远市", [ROW], file="book.xlsx", modified="2023-12-01 09:00")
    second = Candidate(b.checked, b.file, b.file_time, position=1)
    choice = choose_versions([second, a])
    assert choice.counted[0].checked is b.checked
    assert "同一文件中位置在后的工作表" in choice.superseded[0].reason
