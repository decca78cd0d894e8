"""生成上报版本 on the site (issue 18), through Flask's test client: the city's page offers it, the
forwarding page lists every county table with its state, the action makes a version to submit,
and who may not forward is told why."""

from __future__ import annotations

import re

import pytest
from webclient import COUNTY_ROUND_ID, ROUND_ID, Site, make_app, populate


@pytest.fixture
def app(tmp_path, monkeypatch):
    made = make_app(tmp_path, monkeypatch, county=True)
    yield made
    made.extensions["budget_planner.db"]["engine"].dispose()


@pytest.fixture
def site(app):
    return Site(app)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _approve(site, world, unit: str) -> None:
    from budget_planner.storage import repository

    with site.app.app_context():
        session = site.session()
        county = repository.get_user(session, {"清城区": "qingcheng", "英德市": "yingde"}[unit])
        lead = repository.get_user(session, "qingyuan_lead")
        repository.act(session, world.version_id[unit], county, "submit")
        repository.act(session, world.version_id[unit], lead, "approve")


def test_the_city_forwards_from_its_page_and_submits(site):
    world = populate(site, county=True)
    _approve(site, world, "清城区")
    city = site["qingyuan_lead"]
    # an ordinary return has no 来源单位 column on its page
    plain = text(city.get(f"/versions/{world.version_id['清远市']}?round={ROUND_ID}"))
    assert "拟设置项目" in plain and "来源单位" not in plain
    own = text(city.get(f"/units/{world.unit_id['清远市']}?round={ROUND_ID}"))
    assert "生成上报版本" in own
    page = text(city.get(f"/forwarding?round={ROUND_ID}"))
    assert "将转报 2 行下级单位项目" in page
    assert "清城区 表四 已通过 2 转报" in page
    assert "英德市 表四 已上传未提交 2 不转报（未审核通过）" in page
    made = city.post(f"/forwarding?round={ROUND_ID}", {}, follow_redirects=True)
    shown = text(made)
    assert "已生成上报版本（2 行来自下级单位）：表四第 2 版" in shown
    assert "来源单位" in shown and "提交此版本" in shown
    # forwarding again with nothing changed below makes no version
    again = text(city.post(f"/forwarding?round={ROUND_ID}", {}, follow_redirects=True))
    assert "下级单位的表格与上次生成时相同，未新建版本：表四第 2 版" in again


def test_who_may_not_forward_is_told_why(site):
    world = populate(site, county=True)
    _approve(site, world, "清城区")
    clerk = text(site["qingyuan"].get(f"/forwarding?round={ROUND_ID}"))
    assert "只有2024年度清远市知识产权项目需求征集的审核或财务才能汇总下级单位的表格" in clerk
    assert "已生成" not in text(
        site["qingyuan"].post(f"/forwarding?round={ROUND_ID}", {}, follow_redirects=True)
    )
    other = text(site["shaoguan"].get(f"/forwarding?round={ROUND_ID}"))
    assert "韶关市没有本年度的下级征集轮次" in other
    county = text(site["qingcheng"].get(f"/forwarding?round={COUNTY_ROUND_ID}"))
    assert "清城区没有本年度的下级征集轮次" in county
    # and the city's page offers it only where there is a round below
    assert "生成上报版本" not in text(
        site["shaoguan"].get(f"/units/{world.unit_id['韶关市']}?round={ROUND_ID}")
    )
