"""生成上报版本 over a generated tree (issue 18): the province's 21 cities, each collecting from 10
counties of its own round, every county's 表四 approved; each city forwards its counties' rows.

    .venv/bin/python benchmarks/bench_forwarding.py [ROWS_PER_COUNTY]

Every figure is a ratio to a baseline measured in the same run, paired city by city (A B, B A, …):

- **forwarding**: one city's 生成上报版本 (read the county round, write the workbook, validate it,
  store it with its rows' lineage) against a hand upload of the same rows (the same table, made by
  hand with the same 来源单位 column, validated and stored);
- **dashboard**: the province's dashboard queries (completeness and the counted versions; the
  median of 9 calls) once every city's counted 表四 is its forwarded return, against the same with
  the hand-made returns;
- **aggregate**: the province round consolidated with its findings (重复申报, the lineage linked),
  the forwarded returns against the hand-made ones.

SQLite in a temporary folder; parsing in-process (as the tests do).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests" / "support"))

from builders import make_table, project

from budget_planner.app.findings import round_findings
from budget_planner.app.forwarding import forward
from budget_planner.storage import db as storage_db
from budget_planner.storage import repository as repo
from budget_planner.storage.models import Round
from budget_planner.templates.round import load_round, parse_round
from budget_planner.validators.check.pipeline import validate_bytes
from budget_planner.validators.intake.extract import read_workbook

PROVINCE = "guangdong-2024"
COUNTIES = 10
CATEGORIES = ("知识产权高质量创造", "强化知识产权保护", "知识产权高效能转化", "知识产权高水平服务")
WORDS = ("专利导航", "商标品牌培育", "地理标志保护", "知识产权质押融资", "维权援助", "人才培训")


def _toml(name: str) -> str:
    return resources.files("budget_planner.templates.rounds").joinpath(f"{name}.toml").read_text()


def county_round_toml(n: int, city: str, city_full: str) -> str:
    """清远市's county round, renamed for ``city``, with 10 counties of its own."""
    text = _toml("qingyuan-2024")
    head, _, tail = text.partition("[[units]]")
    presets = tail[tail.index("[[presets") :] if "[[presets" in tail else ""
    head = (
        head.replace('id = "qingyuan-2024"', f'id = "c{n:02d}-2024"')
        .replace("2024年度清远市知识产权项目需求征集", f"2024年度{city}知识产权项目需求征集")
        .replace('code = "QY2024"', f'code = "C{n:02d}2024"')
        .replace('short_name = "清远市"', f'short_name = "{city}"')
        .replace('full_name = "清远市市场监督管理局（知识产权局）"', f'full_name = "{city_full}"')
    )
    units = "".join(
        f'[[units]]\nshort_name = "{county(city, k)}"\nfull_name = "{county(city, k)}市场监督管理局"\n\n'
        for k in range(COUNTIES)
    )
    return head + units + presets


def county(city: str, k: int) -> str:
    return f"{city[:-1]}第{k + 1}区"


def county_rows(city_n: int, k: int, per_county: int) -> list[dict[str, object]]:
    return [
        project(
            CATEGORIES[(k + i) % len(CATEGORIES)],
            f"{WORDS[(city_n + k + i) % len(WORDS)]}项目{k + 1}-{i + 1}",
            10 + (i * 7 + k) % 40,
        )
        for i in range(per_county)
    ]


def build(session, per_county: int) -> list[tuple[str, str]]:
    """The tree: the province round and one county round per city, every county's 表四 submitted
    and approved. The cities' (short name, county round id)."""
    province = load_round(PROVINCE)
    repo.load_round_into_db(session, province, _toml(PROVINCE))
    repo.open_round(session, PROVINCE)
    cities = []
    for n, unit in enumerate(province.units[:20]):
        text = county_round_toml(n, unit.short_name, unit.full_name)
        config = parse_round(tomllib.loads(text))
        repo.load_round_into_db(session, config, text)
        repo.open_round(session, config.id)
        for k in range(COUNTIES):
            name = county(unit.short_name, k)
            data = make_table("表四", name, county_rows(n, k, per_county), round_=config)
            version_id = _upload(session, config, name, data)
            repo.act(session, version_id, None, "approve")
        cities.append((unit.short_name, config.id))
    return cities


def hand_upload(session, city: str, rows: list[dict[str, object]]) -> int:
    """The city's 表四 with the same rows, made by hand and uploaded (then submitted)."""
    province = load_round(PROVINCE)
    data = make_table("表四", city, rows, round_=province)
    return _upload(session, province, city, data)


def _upload(session, round_, unit: str, data: bytes) -> int:
    """The unit's 表四 validated, stored as an upload of ``round_`` and submitted; its version id."""
    name = f"{unit}-表四.xlsx"
    checked = validate_bytes(data, name, round_, unit, parse=read_workbook)
    (version,) = repo.store_upload(
        session,
        round_id=round_.id,
        unit_short_name=unit,
        data=data,
        original_name=name,
        checked=checked,
        user=None,
    )
    repo.act(session, version.id, None, "submit")
    return version.id


def forwarded(session, city: str) -> int:
    done = forward(session, PROVINCE, city, actor=None, parse=read_workbook)
    version = done.stored[0].version
    repo.act(session, version.id, None, "submit")
    return version.id


def timed(job: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    job(*args)
    return time.perf_counter() - start


def settled(job: Callable[[], object], runs: int = 9) -> float:
    """A cheap job's median time over several calls (one call is mostly noise)."""
    return statistics.median(timed(job) for _ in range(runs))


def median_ratio(pairs: list[tuple[float, float]]) -> str:
    ratios = [b / a for a, b in pairs]
    base = statistics.median(a for a, _ in pairs)
    return f"{statistics.median(ratios):.2f}× (baseline median {base:.3f} s, {len(pairs)} pairs)"


def main(per_county: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        engine = storage_db.make_engine(url, Path(folder))
        storage_db.upgrade(engine)
        session = storage_db.make_session_factory(engine)()
        start = time.perf_counter()
        cities = build(session, per_county)
        print(
            f"tree: {len(cities)} cities × {COUNTIES} counties × {per_county} rows, "
            f"built in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
        province = session.get(Round, PROVINCE)
        config = load_round(PROVINCE)

        def rows_of(n: int, city: str) -> list[dict[str, object]]:
            return [
                {**row, "source_unit": county(city, k)}
                for k in range(COUNTIES)
                for row in county_rows(n, k, per_county)
            ]

        def dashboard() -> None:
            repo.completeness(session, PROVINCE, scope=None)
            repo.counted_versions(session, PROVINCE, scope=None)

        def aggregate() -> None:
            assert province is not None
            round_findings(session, province, config, scope=None)

        # forwarding against a hand upload of the same rows, city by city (order alternating);
        # the dashboard and the aggregate after each kind of return counts
        uploads: list[tuple[float, float]] = []
        views: dict[str, list[tuple[float, float]]] = {"dashboard": [], "aggregate": []}
        half = len(cities) // 2
        for n, (city, _) in enumerate(cities[:half]):
            hand = timed(hand_upload, session, city, rows_of(n, city))
            fwd = timed(forwarded, session, city)
            uploads.append((hand, fwd))
        for n, (city, _) in enumerate(cities[half:], start=half):
            fwd = timed(forwarded, session, city)
            hand = timed(hand_upload, session, city, rows_of(n, city))
            uploads.append((hand, fwd))
        # now the second half counts hand-made returns, the first half forwarded ones: make every
        # city's counted return hand-made, measure, then forwarded again, measure (paired, 3 rounds)
        for _ in range(3):
            for n, (city, _) in enumerate(cities):
                hand_upload(session, city, [*rows_of(n, city), project(CATEGORIES[0], "附加", 1)])
            base = {"dashboard": settled(dashboard), "aggregate": timed(aggregate)}
            for city, _ in cities:
                forwarded(session, city)
            views["dashboard"].append((base["dashboard"], settled(dashboard)))
            views["aggregate"].append((base["aggregate"], timed(aggregate)))
        rows = len(cities) * COUNTIES * per_county
        print(f"## 生成上报版本 over {len(cities)} cities × {COUNTIES} counties ({rows} rows)\n")
        print("| what | forwarded over hand-made |")
        print("| --- | --- |")
        print(f"| one city's forwarding vs its hand upload | {median_ratio(uploads)} |")
        print(f"| the province's dashboard queries | {median_ratio(views['dashboard'])} |")
        print(f"| the round aggregated with its findings | {median_ratio(views['aggregate'])} |")
        session.close()
        engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)
