"""The lineage of forwarded rows (``forwarded_rows``, docs/forwarding.md): kept when 生成上报版本
stores a city's return, read when the province opens the county cell behind a row.

    record_lineage(s, versions, sources)        # inside the upload's own transaction
    visible_row(s, row_id, *, scope) -> ProjectRow | None
    row_source(s, row_id, *, scope) -> RowSource | None    # the county version and cell, read-only
    source_file(s, row_id, *, scope) -> (bytes, name) | None   # the file the row came from
    lineage_ids(s, round_id) -> {row key: ids}   # what findings link (重复申报 is not counted)

Reading goes through the scope of the city's row: whoever may read the city's row in the province
round may read the county file and cell behind it, and nothing else of the county round.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.aggregate.project_findings import lineage_id
from budget_planner.storage.forwarding import Source
from budget_planner.storage.models import Blob, ForwardedRow, ProjectRow, Round, Version
from budget_planner.storage.queries import get_version


@dataclass(frozen=True)
class Placed:
    """Where a forwarded row landed in the stored version (its sheet and Excel row; a 预算表: its
    sheet) and where it came from."""

    sheet: str
    excel_row: int | None
    source: Source


def record_lineage(session: Session, versions: Iterable[Version], placed: Iterable[Placed]) -> int:
    """Keep the source of every forwarded row of the new versions; how many were kept."""
    wanted = {(p.sheet, p.excel_row): p.source for p in placed}
    kept = 0
    for version in versions:
        for row in version.rows:
            where = (row.sheet, row.excel_row)
            source = wanted.get(where) or wanted.get((row.sheet, None))
            if source is None:
                continue
            session.add(
                ForwardedRow(
                    row_id=row.id,
                    source_round_id=source.round_id,
                    source_unit_id=source.unit_id,
                    source_version_id=source.version_id,
                    source_row_id=source.row_id,
                    sheet=source.sheet or "",
                    cell=source.cell,
                    excel_row=source.excel_row,
                    requested=source.requested,
                    approved=source.approved,
                )
            )
            kept += 1
    session.flush()
    return kept


def forwarded_row_ids(session: Session, row_ids: list[int]) -> set[int]:
    """Which of these rows were made by forwarding."""
    if not row_ids:
        return set()
    query = sa.select(ForwardedRow.row_id).where(ForwardedRow.row_id.in_(row_ids))
    return set(session.scalars(query))


@dataclass(frozen=True)
class RowSource:
    """A city's forwarded row and the county version and cell behind it."""

    row: ProjectRow
    link: ForwardedRow
    version: Version  # the county's version
    county_round: Round


def visible_row(session: Session, row_id: int, *, scope: object) -> ProjectRow | None:
    """A stored row whose version the viewer may read (None: no such row, or out of scope)."""
    row = session.get(ProjectRow, row_id)
    if row is None or get_version(session, row.version_id, scope=scope) is None:
        return None
    return row


def row_source(session: Session, row_id: int, *, scope: object) -> RowSource | None:
    """The source of a forwarded row the viewer may read (None: not forwarded, or out of scope)."""
    row = visible_row(session, row_id, scope=scope)
    if row is None:
        return None
    link = session.scalar(sa.select(ForwardedRow).where(ForwardedRow.row_id == row_id))
    if link is None:
        return None
    stored = session.get(Round, link.source_round_id)
    assert stored is not None
    return RowSource(row, link, link.source_version, stored)


def source_file(session: Session, row_id: int, *, scope: object) -> tuple[bytes, str] | None:
    """The file a row was read from, as it was sent: a forwarded row's county file, any other
    row's own version's file (None: out of scope)."""
    row = visible_row(session, row_id, scope=scope)
    if row is None:
        return None
    found = row_source(session, row_id, scope=scope)
    version = found.version if found is not None else session.get(Version, row.version_id)
    assert version is not None
    data = session.scalar(sa.select(Blob.data).where(Blob.sha256 == version.blob_sha256))
    return (data or b""), version.original_name


def lineage_ids(session: Session, round_id: str) -> Mapping[tuple[str, str], frozenset[str]]:
    """For the forwarded rows of the round's versions: (unit, row key) → the ids it shares with its
    county source (``aggregate.project_findings.lineage_of``)."""
    from budget_planner.storage.models import Submission, Unit

    source_unit = sa.orm.aliased(Unit)
    query = (
        sa.select(
            Unit.short_name,
            ProjectRow.key,
            ForwardedRow.source_round_id,
            source_unit.short_name,
            Submission.table_id,
            ForwardedRow.excel_row,
        )
        .join(ProjectRow, ProjectRow.id == ForwardedRow.row_id)
        .join(Version, Version.id == ProjectRow.version_id)
        .join(Submission, Submission.id == Version.submission_id)
        .join(Unit, Unit.id == Submission.unit_id)
        .join(source_unit, source_unit.id == ForwardedRow.source_unit_id)
        .where(Submission.round_id == round_id)
    )
    found: dict[tuple[str, str], frozenset[str]] = {}
    for unit, key, source_round, county, table, excel_row in session.execute(query):
        found[(unit, key)] = found.get((unit, key), frozenset()) | {
            lineage_id(source_round, county, table, excel_row)
        }
    return found
