"""Every file of the hostile corpus uploaded to the site, parsed by the real worker pool: the page
gives the exact outcome (a refused file is not stored, its code audited; a read file is stored with
exactly its issues), payloads come back as text in the annotated download, a hostile file name is
kept clean, and after each file the site answers the next request normally."""

from __future__ import annotations

import re

import hostile_corpus as hc
import pytest
from webclient import Site, make_app, table4
from workbook_safety import assert_kept_as_text

from budget_planner.validators import worker

UNIT = "清远市"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return {c.name: c for c in hc.cached_corpus(tmp_path_factory)}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        app = make_app(tmp_path_factory.mktemp("site"), patch, VALIDATION_PARSE=None)
        yield Site(app)
    worker.shutdown()


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def newest(site: Site, table: str):
    """The newest stored version of 清远市's ``table``: (its report, its id, its original name)."""
    from budget_planner.storage import repository

    with site.app.app_context():
        session = site.session()
        unit = repository.find_unit(session, hc_round(), UNIT, scope=None)
        threads = repository.submissions(session, hc_round(), scope=None, unit_id=unit.id)
        thread = next(t for t in threads if t.table_id == table)
        version = max(thread.versions, key=lambda v: v.number)
        return version.report_json, version.id, version.original_name


def hc_round() -> str:
    from webclient import ROUND_ID

    return ROUND_ID


def rejected(site: Site) -> list[str]:
    from budget_planner.storage import repository

    with site.app.app_context():
        entries = repository.audit_log(
            site.session(), None, scope=None, actions=(repository.Action.UPLOAD_REJECTED,)
        )
        return [e.detail for e in entries]


def still_serving(site: Site) -> None:
    assert site["qingyuan"].get("/").status_code == 200


def upload_case(site: Site, case: hc.Case) -> None:
    e = case.expected
    before = len(rejected(site))
    response = site["qingyuan"].upload([(case.data(), case.filename)])
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    if case.name == "over_20mb":  # the site refuses the request body before anyone reads it
        assert response.status_code == 413
        assert "一次上传的文件合计不能超过 20 MB" in page_text(response)
        return
    assert response.status_code == 200, case.name
    assert "<img src=x" not in html  # user text is escaped on the page
    if e.refused:
        details = rejected(site)
        assert len(details) == before + 1
        assert details[0].endswith(f"：{e.refused}"), details[0]
        assert e.message in page_text(response)
        assert "文件未保存" in page_text(response)
        return
    report, version_id, stored = newest(site, e.table)
    hc.check_report(report, case)
    if e.stored_name is not None:
        assert stored == e.stored_name
        assert f"<h3>{e.stored_name}</h3>" in html
    if e.outcome == "neutralised":
        marked = site["qingyuan"].get(f"/versions/{version_id}/annotated")
        assert marked.status_code == 200
        assert_kept_as_text(marked.data, list(e.texts))


FAST = [n for n in hc.NAMES if n not in hc.SLOW]


@pytest.mark.parametrize("name", FAST)
def test_case_through_an_upload(site, corpus, name):
    upload_case(site, corpus[name])
    still_serving(site)


@pytest.mark.slow
@pytest.mark.parametrize("name", hc.SLOW)
def test_slow_case_through_an_upload(site, corpus, name):
    upload_case(site, corpus[name])
    still_serving(site)


def test_a_normal_upload_after_the_corpus(site, corpus):
    for name in ("bomb_lying_header", "duplicate_cell_definitions", "xls_a1_and_iv65536"):
        upload_case(site, corpus[name])
    pool = worker.default_pool()
    response = site["qingyuan"].upload([(table4(UNIT, 41, 7), "清远市-表四.xlsx")])
    assert response.status_code == 200
    assert "没有发现错误" in page_text(response)
    report, _, _ = newest(site, "表四")
    assert (report["rows"], report["total"], report["issues"]) == (2, "48", [])
    assert pool.pids and all(pid > 0 for pid in pool.pids)  # the same pool, its workers alive
