"""Every file of the hostile corpus uploaded to the site, parsed by the real worker pool: the page
gives the exact outcome (a refused file is not stored, its code audited; a read file is stored with
exactly its issues), payloads come back as text in the annotated download, a hostile file name is
kept clean, and after each file the site answers the next request normally."""

from __future__ import annotations

import re
from urllib.parse import quote

import hostile_corpus as hc
import pytest
from webclient import Site, make_app, table4
from workbook_safety import assert_kept_as_text

from budget_planner.validators.intake import worker
from budget_planner.validators.report.codes import code

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
        # the audit names the problem in words, not its code
        assert details[0].endswith(f"：{code(e.refused).title}"), details[0]
        assert e.message in page_text(response)
        assert "文件未保存" in page_text(response)
        return
    report, version_id, stored = newest(site, e.table)
    hc.check_report(report, case)
    if e.stored_name is not None:
        assert stored == e.stored_name
        assert f"<h3>{e.stored_name}</h3>" in html
        sent = site["qingyuan"].get(f"/versions/{version_id}/file")
        header = sent.headers["Content-Disposition"]
        assert header.endswith(f"filename*=UTF-8''{quote(e.stored_name, safe='')}")
        assert header.isascii() and sent.data == case.data()  # the bytes exactly as sent
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


# ---------------------------------------------------------------- the real server process

SERVED = ("bomb_sheet_130MB", "bomb_lying_header", "a1_and_xfd1048576",
          "shared_strings_count_lies", "duplicate_cell_definitions", "xls_a1_and_iv65536")  # fmt: skip


class Browser:
    """A signed-in browser over plain HTTP (standard library only)."""

    def __init__(self, base: str) -> None:
        import http.cookiejar
        import urllib.request

        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        import urllib.error

        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, str]:
        import urllib.error
        import urllib.request

        request = urllib.request.Request(
            self.base + path, data=body, headers={"Content-Type": content_type}
        )
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def token(self, path: str) -> str:
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', self.get(path)[1])
        assert found, path
        return found.group(1)

    def login(self, username: str, password: str) -> None:
        from urllib.parse import urlencode

        form = {"username": username, "password": password, "csrf_token": self.token("/login")}
        status, html = self.post(
            "/login", urlencode(form).encode(), "application/x-www-form-urlencoded"
        )
        assert status == 200 and "退出" in html, html[:300]

    def upload(self, data: bytes, name: str) -> tuple[int, str]:
        boundary = "----hostile-corpus-boundary"
        quoted = name.replace('"', "%22")
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                f"{self.token('/upload')}\r\n"
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{quoted}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.post("/upload", body, f"multipart/form-data; boundary={boundary}")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_memory(server_pid: int) -> list[tuple[int, int]]:
    """(peak resident MB, address-space limit MB) of each parse worker the server started."""
    from pathlib import Path

    tasks = Path(f"/proc/{server_pid}/task").iterdir()  # started from the request threads
    children = {pid for task in tasks for pid in (task / "children").read_text().split()}
    found = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) // 1024
        limits = Path(f"/proc/{pid}/limits").read_text()
        limit = re.search(r"Max address space\s+(\d+)", limits)
        found.append((peak, int(limit.group(1)) // (1024 * 1024) if limit else 0))
    return found


def test_the_served_site_survives_the_worst_files(corpus, tmp_path):
    """``budget-planner serve`` (waitress) in its own process: the nastiest files and a file that
    overruns the (lowered) time limit are each refused with their code, the process lives on, its
    workers stay within their memory limit, and a normal upload then works."""
    import os
    import subprocess
    import sys
    import time

    from webclient import PASSWORD

    with pytest.MonkeyPatch.context() as patch:
        make_app(tmp_path, patch)  # the database, the open round and the accounts
    port = free_port()
    env = {**os.environ, "SESSION_COOKIE_SECURE": "0", worker.TIMEOUT_ENV: "1.5"}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "budget_planner", "serve", "--port", str(port),
         "--instance", str(tmp_path / "instance"),
         "--database-url", f"sqlite:///{tmp_path / 'site.sqlite3'}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        while True:
            try:
                if browser.get("/login")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "the site did not start"
            time.sleep(0.2)
        browser.login("qingyuan", PASSWORD)
        for name in SERVED:
            case = corpus[name]
            status, html = browser.upload(case.data(), case.filename)
            assert status == 200 and case.expected.message in page_text_of(html), name
            assert "文件未保存" in page_text_of(html)
            assert server.poll() is None and browser.get("/")[0] == 200
        workers = worker_memory(server.pid)
        assert workers  # the files that passed the gate were parsed in workers …
        for peak, limit in workers:  # … each under its address-space limit
            assert limit == worker.MEMORY_LIMIT // (1024 * 1024) and peak < limit
        slow = corpus["hundred_thousand_rows"]  # 2-3 s to parse: past the 1.5 s limit
        status, html = browser.upload(slow.data(), slow.filename)
        assert status == 200 and "读取文件超时（超过 2 秒）" in page_text_of(html)
        assert server.poll() is None and browser.get("/")[0] == 200
        status, html = browser.upload(table4(UNIT, 12, 3), "清远市-表四.xlsx")
        assert status == 200 and "没有发现错误" in page_text_of(html)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert b"Traceback" not in errors


def page_text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
