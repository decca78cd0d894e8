"""The storage API in one place: plain functions taking a ``Session`` (see the package docstring).

Each public mutation runs as one transaction and commits or rolls back; each query takes the acting
user's ``scope`` as a required keyword argument.
"""

from __future__ import annotations

from budget_planner.storage.accounts import (
    NewAccount,
    authenticate,
    change_password,
    check_password,
    create_unit_accounts,
    create_user,
    get_user,
    list_users,
    one_time_password,
    reset_password,
    set_active,
)
from budget_planner.storage.allocations import (
    AllocatedRow,
    allocations,
    rows_with_allocations,
    set_allocation,
)
from budget_planner.storage.audit import Action, audit, audit_log
from budget_planner.storage.completeness import Cell, Completeness, UnitRow, completeness
from budget_planner.storage.queries import (
    Counted,
    attachment_file,
    counted_versions,
    get_submission,
    get_version,
    project_rows,
    submissions,
    upload_siblings,
    version_file,
    versions_of,
)
from budget_planner.storage.reviews import review, submit
from budget_planner.storage.rounds import (
    close_round,
    config_of,
    control_numbers,
    current_round,
    find_unit,
    get_round,
    list_rounds,
    load_round_into_db,
    open_round,
    set_control_number,
    units,
)
from budget_planner.storage.scope import NotFound, PermissionDenied, Scope, scope_for
from budget_planner.storage.uploads import store_upload

__all__ = [
    "Action",
    "AllocatedRow",
    "Cell",
    "Completeness",
    "Counted",
    "NewAccount",
    "NotFound",
    "PermissionDenied",
    "Scope",
    "UnitRow",
    "allocations",
    "attachment_file",
    "audit",
    "audit_log",
    "authenticate",
    "change_password",
    "check_password",
    "close_round",
    "completeness",
    "config_of",
    "control_numbers",
    "counted_versions",
    "create_unit_accounts",
    "create_user",
    "current_round",
    "find_unit",
    "get_round",
    "get_submission",
    "get_user",
    "get_version",
    "list_rounds",
    "list_users",
    "load_round_into_db",
    "one_time_password",
    "open_round",
    "project_rows",
    "reset_password",
    "review",
    "rows_with_allocations",
    "scope_for",
    "set_active",
    "set_allocation",
    "set_control_number",
    "store_upload",
    "submissions",
    "submit",
    "units",
    "upload_siblings",
    "version_file",
    "versions_of",
]
