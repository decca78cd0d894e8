"""Uploads being parsed now, per user, counted in the database so that every app server agrees.

A parse costs seconds of a worker's CPU; one account sending request after request could hold every
worker and every server thread. ``begin`` takes a slot for one upload (all its files) unless the
user already has ``limit`` in flight; ``end`` gives it back. Counting and taking happen under the
user's lock (a row lock on the account on PostgreSQL; SQLite's write lock), so requests sent at
once to several servers cannot all slip in.

A slot names the server process holding it (host name and process id). A server killed mid-parse
cannot give its slots back: on its own machine they are freed as soon as a request finds that
process gone (a restarted server does not keep the account waiting); on another machine they
expire by themselves after ``hold``. "Its own machine" is the host name together with the process-id
namespace (Linux's ``/proc/self/ns/pid``): two containers sharing a host name (``network_mode:
host``) see different processes under one id, so neither frees the other's slots.

    begin(s, user_id, *, limit, hold, now=None, owner=None) -> int | None  # the slot, or None
    end(s, slot)
    in_flight(s, user_id, *, now=None) -> int
"""

from __future__ import annotations

import datetime as dt
import os
import socket

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import ParseInFlight, User
from budget_planner.storage.types import utcnow


def _live(user_id: int, now: dt.datetime) -> sa.Select:
    return (
        sa.select(sa.func.count())
        .select_from(ParseInFlight)
        .where(ParseInFlight.user_id == user_id, ParseInFlight.expires_at > now)
    )


Owner = tuple[str, int]  # (host name, process id)


def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
    except OSError:  # not Linux, or /proc not mounted
        return ""


def this_process() -> Owner:
    """(the machine as process ids go: host name and pid namespace, this process's id)."""
    namespace = _pid_namespace()
    host = socket.gethostname()
    return (f"{host} {namespace}" if namespace else host)[:255], os.getpid()


def _running(pid: int) -> bool:
    """Whether a process with this id runs on this machine (one of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _free_orphans(session: Session, user_id: int, host: str) -> None:
    """Drop the user's slots held by processes of this machine that are gone (a killed server)."""
    pids = session.scalars(
        sa.select(ParseInFlight.pid)
        .where(ParseInFlight.user_id == user_id, ParseInFlight.host == host)
        .distinct()
    ).all()
    gone = [pid for pid in pids if pid is not None and not _running(pid)]
    if gone:
        session.execute(
            sa.delete(ParseInFlight).where(
                ParseInFlight.user_id == user_id,
                ParseInFlight.host == host,
                ParseInFlight.pid.in_(gone),
            )
        )


def begin(
    session: Session,
    user_id: int,
    *,
    limit: int,
    hold: dt.timedelta,
    now: dt.datetime | None = None,
    owner: Owner | None = None,
) -> int | None:
    """A slot for one upload of this user, held at most ``hold`` by ``owner`` (this process by
    default); None when ``limit`` are taken."""
    now = now or utcnow()
    host, pid = owner or this_process()
    with write_transaction(session):
        session.execute(sa.select(User.id).where(User.id == user_id).with_for_update())
        session.execute(sa.delete(ParseInFlight).where(ParseInFlight.expires_at <= now))
        _free_orphans(session, user_id, host)
        if (session.scalar(_live(user_id, now)) or 0) >= limit:
            return None
        slot = ParseInFlight(
            user_id=user_id, started_at=now, expires_at=now + hold, host=host, pid=pid
        )
        session.add(slot)
        session.flush()
        return slot.id


def end(session: Session, slot: int) -> None:
    with write_transaction(session):
        session.execute(sa.delete(ParseInFlight).where(ParseInFlight.id == slot))


def in_flight(session: Session, user_id: int, *, now: dt.datetime | None = None) -> int:
    return int(session.scalar(_live(user_id, now or utcnow())) or 0)
