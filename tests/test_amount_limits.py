"""One amount cannot poison a round (issue 14): a cell above 10⁶ 万元 or not finite is
``amount.too_large`` at its cell and left out of the totals; consolidation, reconciliation and every
export answer on any value the database can hold (a property test at each database's column limits,
and with whatever a stored report's JSON may carry).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import sqlalchemy as sa
from builders import make_table, project
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_storage_support import BACKENDS, new_database
from webclient import Site, make_app, populate

from budget_planner.validators.check.pipeline import validate_bytes
from budget_planner.validators.read.amounts import MAX_AMOUNT, parse_amount


@pytest.mark.parametrize(
    ("raw", "value", "issue"),
    [
        (1e24, None, "amount.too_large"),
        (float("nan"), None, "amount.too_large"),
        (float("inf"), None, "amount.too_large"),
        (-1e24, None, "amount.too_large"),
        (10**7, None, "amount.too_large"),
        (Decimal("1E+24"), None, "amount.too_large"),
        (Decimal("NaN"), None, "amount.too_large"),
        ("2000000万元", None, "amount.too_large"),
        ("1.2万亿元", None, "amount.not_number"),  # not one number: refused as before
        ("200亿元", None, "amount.too_large"),
        ("1000000.0001", None, "amount.too_large"),
        (1e6, Decimal(1000000), None),  # 100 亿元 itself is an amount
        ("1,000,000", Decimal(1000000), "amount.normalised"),
        (1e23 / 1e18, Decimal(100000), None),
    ],
)
def test_an_amount_above_ten_billion_yuan_or_not_finite_is_too_large(raw, value, issue):
    parsed = parse_amount(raw)
    assert (parsed.value, parsed.issue) == (value, issue)
    assert Decimal(10) ** 6 == MAX_AMOUNT


@pytest.mark.parametrize(
    ("raw", "value", "issue"),
    [
        (1200000.0, Decimal(1200000), None),  # 120 万元, typed in 元
        (10**10, Decimal(10**10), None),  # 100 亿元 itself
        (10**10 + 1, None, "amount.too_large"),
        ("1,200,000", Decimal(1200000), "amount.normalised"),
        (Decimal("35000000"), Decimal(35000000), None),  # an evaluated =SUM in 元
        ("200万元", Decimal(200), "amount.normalised"),  # its own unit: 万元 as anywhere
        ("2000000万元", None, "amount.too_large"),
    ],
)
def test_in_a_column_filed_in_yuan_the_bound_is_ten_billion_yuan(raw, value, issue):
    parsed = parse_amount(raw, in_yuan=True)
    assert (parsed.value, parsed.issue) == (value, issue)


def test_the_cell_is_reported_and_left_out_of_the_totals(province_round):
    rows = [
        project("知识产权高质量创造", "专利导航项目", 1e24),
        project("知识产权高质量创造", "专利运营项目", 50),
    ]
    (checked,) = validate_bytes(
        make_table("表一", "清远市", rows), "清远市-表一.xlsx", province_round
    )
    report = checked.report.to_dict()
    problems = [(i["code"], i["cell"]) for i in report["issues"] if i["severity"] == "error"]
    assert problems == [("amount.too_large", "D5")]
    message = next(i["message"] for i in report["issues"] if i["code"] == "amount.too_large")
    assert "超过 100 亿元" in message and "1e+24" in message
    assert (report["rows"], report["total"]) == (2, "50")
    assert report["totals_by_category"] == {"知识产权高质量创造": "50"}


def test_aggregate_on_a_folder_with_such_a_file_reports_without_a_traceback(tmp_path):
    from budget_planner.cli import main

    rows = [project("知识产权高质量创造", "专利导航项目", 1e24)]
    (tmp_path / "清远市-表一.xlsx").write_bytes(make_table("表一", "清远市", rows))
    (tmp_path / "韶关市-表一.xlsx").write_bytes(
        make_table("表一", "韶关市", [project("知识产权高质量创造", "专利运营项目", 30)])
    )
    result = CliRunner().invoke(
        main, ["aggregate", str(tmp_path), "--out", str(tmp_path / "汇总.xlsx"), "--json"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1  # a file has errors
    found = json.loads(result.stdout)
    assert found["tables"]["表一"]["total"] == "30"
    assert found["units"]["清远市"]["表一"]["total"] == "0"
    assert (tmp_path / "汇总.xlsx").stat().st_size > 0


# ---------------------------------------------------------------- any stored value, on the site


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, monkeypatch):
    url, drop = new_database(request.param, tmp_path)
    made = make_app(tmp_path, monkeypatch, DATABASE_URL=url)
    yield made
    made.extensions["budget_planner.db"]["engine"].dispose()
    drop()


def column_limit(dialect: str) -> Decimal:
    """The largest 万元 a Money column holds: Numeric(18, 4) on PostgreSQL, 2**63 - 1 元 on SQLite."""
    if dialect == "postgresql":
        return Decimal("99999999999999.9999")
    return Decimal(2**63 - 1) / 10000


def column_amounts(limit: Decimal):
    return st.one_of(
        st.sampled_from([limit, -limit, Decimal(0), Decimal("0.0001"), MAX_AMOUNT + 1]),
        st.decimals(min_value=-limit, max_value=limit, places=4),
    )


JSON_AMOUNTS = st.one_of(
    st.none(),
    st.sampled_from(["1e24", "-1E+30", "NaN", "sNaN", "Infinity", "-inf", "1E+999999", "abc", ""]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
PAGES = (
    "/",
    "/reconciliation/",
    "/exports/consolidated.xlsx",
    "/exports/allocation-plan.xlsx",
    "/api/v1/reports/aggregate",
    "/api/v1/status",
    "/reminders",
)


def test_every_page_and_export_answers_on_any_stored_amount(app):
    site = Site(app)
    world = populate(site)
    from budget_planner.storage.models import Allocation, ControlNumber, ProjectRow, Version
    from budget_planner.web import db

    with app.app_context():
        dialect = db.session().get_bind().dialect.name
    limit = column_limit(dialect)
    unit_pages = [
        f"/reconciliation/units/{world.unit_id['清远市']}",
        f"/units/{world.unit_id['清远市']}/history",
        f"/units/{world.unit_id['清远市']}",
        f"/versions/{world.version_id['清远市']}",
    ]

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        rows=st.lists(column_amounts(limit), min_size=2, max_size=2),
        json_amounts=st.lists(JSON_AMOUNTS, min_size=4, max_size=4),
        approved=column_amounts(limit),
        control=column_amounts(limit),
    )
    def stored_anything(rows, json_amounts, approved, control):
        with app.app_context():
            session = db.session()
            version = session.get(Version, world.version_id["清远市"])
            for row, amount, text in zip(version.rows, rows, json_amounts, strict=False):
                row.amount = amount
                values = dict(row.values_json)
                values["amount"] = {"value": text, "cell": row.amount_cell}
                row.values_json = values
            report = dict(version.report_json)
            report["total"] = json_amounts[2]
            report["totals_by_category"] = {"知识产权高质量创造": json_amounts[3]}
            version.report_json = report
            version.total = rows[0]
            unit_id = world.unit_id["清远市"]
            session.execute(sa.delete(Allocation))
            key = session.scalars(
                sa.select(ProjectRow.key).where(ProjectRow.version_id == version.id)
            ).first()
            session.add(
                Allocation(
                    round_id=version.submission.round_id,
                    unit_id=unit_id,
                    key=key,
                    amount=approved,
                    by_name="finance",
                    at=version.uploaded_at,
                )
            )
            number = session.scalars(
                sa.select(ControlNumber).where(ControlNumber.unit_id == unit_id)
            ).one()
            number.amount = control
            session.commit()
        for who in ("admin", "finance"):
            for url in (*PAGES, *unit_pages):
                answer = site[who].get(url)
                assert answer.status_code == 200, (who, url, answer.status_code)

    stored_anything()
