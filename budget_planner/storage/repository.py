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
    AllocationRefused,
    Requested,
    allocations,
    requested_projects,
    rows_with_allocations,
    set_allocation,
    set_allocations,
)
from budget_planner.storage.audit import Action, AuditLine, audit, audit_lines, audit_log
from budget_planner.storage.completeness import Cell, Completeness, UnitRow, completeness
from budget_planner.storage.counted import StoredCounted, stored_counted
from budget_planner.storage.history import (
    Change,
    Thread,
    VersionEntry,
    changes,
    submission_history,
    unit_history,
    unit_of,
    version_state,
)
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
from budget_planner.storage.receipt import Receipt, ReceiptLine, receipt
from budget_planner.storage.reminders import Reminder, reminders
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
    set_control_numbers,
    units,
)
from budget_planner.storage.scope import NotFound, PermissionDenied, Scope, scope_for
from budget_planner.storage.tokens import issue_token, revoke_token, user_by_token
from budget_planner.storage.uploads import store_upload

__all__ = [
    "Action",
    "AllocatedRow",
    "AllocationRefused",
    "AuditLine",
    "Cell",
    "Change",
    "Completeness",
    "Counted",
    "NewAccount",
    "NotFound",
    "PermissionDenied",
    "Receipt",
    "ReceiptLine",
    "Reminder",
    "Requested",
    "Scope",
    "StoredCounted",
    "Thread",
    "UnitRow",
    "VersionEntry",
    "allocations",
    "attachment_file",
    "audit",
    "audit_lines",
    "audit_log",
    "authenticate",
    "change_password",
    "changes",
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
    "issue_token",
    "list_rounds",
    "list_users",
    "load_round_into_db",
    "one_time_password",
    "open_round",
    "project_rows",
    "receipt",
    "reminders",
    "requested_projects",
    "reset_password",
    "review",
    "revoke_token",
    "rows_with_allocations",
    "scope_for",
    "set_active",
    "set_allocation",
    "set_allocations",
    "set_control_number",
    "set_control_numbers",
    "store_upload",
    "stored_counted",
    "submission_history",
    "submissions",
    "submit",
    "unit_history",
    "unit_of",
    "units",
    "upload_siblings",
    "user_by_token",
    "version_file",
    "version_state",
    "versions_of",
]
