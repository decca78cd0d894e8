"""What pages and downloads carry (issue 14): a file name with line breaks or header-breaking
characters is cleaned when stored and again when sent (for names stored before), with a plain and
escaped RFC 6266 fallback; direction controls in a cell are isolated on every page; long tables
are shown a page at a time on the reconciliation and history pages.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest
import sqlalchemy as sa
from builders import make_table, project
from hypothesis import given
from hypothesis import strategies as st
from test_storage_support import BACKENDS, new_database
from webclient import ROUND_ID, Site, make_app, table4

from budget_planner.storage.records import clean_file_name
from budget_planner.web.files import content_disposition

RLO, FSI, PDI = "\u202e", "\u2068", "\u2069"


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, monkeypatch):
    url, drop = new_database(request.param, tmp_path)
    made = make_app(tmp_path, monkeypatch, DATABASE_URL=url)
    yield made
    made.extensions["budget_planner.db"]["engine"].dispose()
    drop()


def unit_id(app, unit: str = "清远市") -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        return repository.find_unit(db.session(), ROUND_ID, unit, scope=None).id


def versions(app) -> list:
    from budget_planner.storage.models import Version
    from budget_planner.web import db

    with app.app_context():
        return list(db.session().scalars(sa.select(Version).order_by(Version.id)))


# ---------------------------------------------------------------- file names


@given(st.text())
def test_a_content_disposition_never_breaks_its_header(name):
    header = content_disposition(name)
    assert header.isprintable()  # no CR, LF, NUL or any other control
    fallback = re.fullmatch(r'attachment; filename="([^"]*)"; filename\*=UTF-8\'\'(\S*)', header)
    assert fallback is not None, header
    assert re.fullmatch(r"[A-Za-z0-9._()+-]+", fallback.group(1))
    assert urllib.parse.unquote(fallback.group(2)) == clean_file_name(name)


def test_clean_names_lose_controls_line_breaks_and_direction_overrides():
    assert clean_file_name("清远市\r\n表四.xlsx") == "清远市表四.xlsx"
    assert clean_file_name("a\tb\x85c\u2028d.xlsx") == "abcd.xlsx"
    assert clean_file_name(f"清远市{RLO}xslx.exe") == "清远市xslx.exe"
    assert clean_file_name("清远市　表四 (2).xlsx") == "清远市　表四 (2).xlsx"  # spaces stay


def multipart_with_encoded_name(token: str, data: bytes, encoded_name: str) -> tuple[bytes, str]:
    """A body whose file part names itself with RFC 5987 ``filename*=UTF-8''…`` (what a script
    may send; the line break arrives percent-encoded)."""
    boundary = "----bp-test-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f"--{boundary}\r\n"
            f"Content-Disposition: form-data; name=\"files\"; filename*=UTF-8''{encoded_name}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_line_break_in_an_uploaded_name_is_dropped_and_the_file_downloads(app, site):
    unit = site["qingyuan"]
    name = urllib.parse.quote('清远市\r\n表四";x.xl"s;x', safe="")
    sent = table4()
    body, kind = multipart_with_encoded_name(unit.csrf(), sent, name)
    answer = unit.shown(unit.http.post("/upload", data=body, content_type=kind))
    assert answer.status_code == 200
    (version,) = versions(app)
    assert version.original_name == '清远市表四";x.xl"s;x'
    download = unit.get(f"/versions/{version.id}/file")
    assert download.status_code == 200 and download.data == sent
    header = download.headers["Content-Disposition"]
    assert header.startswith('attachment; filename="download"; filename*=UTF-8')


def test_a_name_stored_before_the_rule_still_downloads(app, site):
    from budget_planner.storage.models import Version
    from budget_planner.web import db

    unit = site["qingyuan"]
    assert unit.upload([(table4(), "清远市-表四.xlsx")]).status_code == 200
    (version,) = versions(app)
    with app.app_context():  # as a name with a line break was kept before
        session = db.session()
        session.execute(
            sa.update(Version)
            .where(Version.id == version.id)
            .values(original_name='清远市\r\n表四".x"l;sx')
        )
        session.commit()
    download = unit.get(f"/versions/{version.id}/file")
    assert download.status_code == 200
    header = download.headers["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="download"; ')
    assert urllib.parse.unquote(header.split("UTF-8''")[1]) == '清远市表四".x"l;sx'


# ---------------------------------------------------------------- direction controls


def unisolated(html: str) -> list[int]:
    """Positions of direction controls outside an isolate (FSI … PDI) in the text a page shows
    (inside a tag, a hidden form value is sent back as it is, never shown)."""
    html = re.sub(r"<[^>]*>", "", html)
    depth, found = 0, []
    for i, c in enumerate(html):
        if c == FSI:
            depth += 1
        elif c == PDI:
            depth = max(depth - 1, 0)
        elif c in "\u202a\u202b\u202c\u202d\u202e" and depth == 0:
            found.append(i)
    return found


def test_a_direction_override_in_a_cell_is_isolated_on_every_page(app, site):
    name = f"专利导航{RLO}目项"
    rows = [project("知识产权高质量创造", name, 50), project("强化知识产权保护", "维权援助", 30)]
    unit = site["qingyuan"]
    assert (
        unit.upload([(make_table("表四", "清远市", rows), "清远市-表四.xlsx")]).status_code == 200
    )
    (version,) = versions(app)
    finance = site["finance"]
    pages = [
        unit.get(f"/versions/{version.id}"),
        finance.get(f"/reconciliation/units/{unit_id(app)}"),
    ]
    for page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert RLO in html  # shown, as the unit typed it …
        assert [html[i - 80 : i + 20] for i in unisolated(html)] == []  # … never turning the rest
        assert f"{FSI}专利导航{RLO}目项{PDI}" in html


def test_a_hidden_key_is_sent_back_exactly_and_saves(app, site):
    name = f"专利导航{RLO}目项"
    rows = [project("知识产权高质量创造", name, 50)]
    assert (
        site["qingyuan"]
        .upload([(make_table("表四", "清远市", rows), "清远市-表四.xlsx")])
        .status_code
        == 200
    )
    submit(site, app)
    finance = site["finance"]
    page = finance.get(f"/reconciliation/units/{unit_id(app)}").get_data(as_text=True)
    key = re.search(r'name="key-1" value="([^"]*)"', page).group(1)
    assert FSI not in key and RLO in key
    saved = finance.post(
        f"/reconciliation/units/{unit_id(app)}",
        {"key-1": key, "amount-1": "40", "reason-1": "按控制数压减"},
    )
    assert saved.status_code == 302
    assert "已保存 1 项核定金额" in finance.get(saved.headers["Location"]).get_data(as_text=True)


def submit(site, app) -> None:
    """清远市 submits its newest version: only submitted or approved rows take 核定金额."""
    sent = site["qingyuan"].post(f"/versions/{versions(app)[-1].id}/submit")
    assert sent.status_code == 302


# ---------------------------------------------------------------- long tables, a page at a time


def many_rows(n: int, amount: int = 1) -> bytes:
    rows = [project("知识产权高质量创造", f"项目{i:04d}", amount) for i in range(n)]
    return make_table("表四", "清远市", rows)


def test_the_reconciliation_page_shows_two_hundred_projects_a_page(app, site):
    assert site["qingyuan"].upload([(many_rows(450), "清远市-表四.xlsx")]).status_code == 200
    submit(site, app)
    finance = site["finance"]
    url = f"/reconciliation/units/{unit_id(app)}"
    pages = [finance.get(url, query_string={"page": n}).get_data(as_text=True) for n in (1, 2, 3)]
    shown = [re.findall(r'name="key-\d+" value="[^"]*项目(\d{4})"', page) for page in pages]
    assert [len(s) for s in shown] == [200, 200, 50]
    assert sorted(n for s in shown for n in s) == [f"{i:04d}" for i in range(450)]
    assert "共 450 项，第 1/3 页" in pages[0]
    assert "450 <small>万元</small>" in pages[2]  # the unit's total is the whole table's
    # saving on page 2 changes page 2's projects and leaves the others alone
    form = {
        f"key-{i + 1}": f"清远市|表四|知识产权高质量创造|项目{n}" for i, n in enumerate(shown[1])
    }
    typed = dict.fromkeys((f"amount-{i + 1}" for i in range(len(shown[1]))), "")
    typed["amount-1"] = "1"
    keys = re.findall(r'name="(key-\d+)" value="([^"]*)"', pages[1])
    form = dict(keys) | typed
    saved = finance.post(url + "?page=2", form)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("page=2")


def test_the_history_page_lists_fifty_changes_inline_and_the_rest_by_page(app, site):
    unit = site["qingyuan"]
    assert unit.upload([(many_rows(300, 1), "清远市-表四.xlsx")]).status_code == 200
    assert unit.upload([(many_rows(300, 2), "清远市-表四.xlsx")]).status_code == 200
    newest = versions(app)[-1]
    history = unit.get(f"/units/{unit_id(app)}/history").get_data(as_text=True)
    assert history.count('class="chg-mod"') == 50
    assert "查看全部 300 项变化" in history
    first = unit.get(f"/versions/{newest.id}/changes").get_data(as_text=True)
    last = unit.get(f"/versions/{newest.id}/changes?page=2").get_data(as_text=True)
    assert first.count('class="chg-mod"') == 200 and last.count('class="chg-mod"') == 100
    other = Site(app)["shaoguan"]
    assert other.get(f"/versions/{newest.id}/changes").status_code == 404  # another unit's
