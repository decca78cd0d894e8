"""Exceptions: an operation cannot go on. Problems in a file are data (validators.report.Issue)."""


class BudgetPlannerError(Exception):
    """Base of every error the CLI and the web layer translate into a Chinese message."""


class ConfigError(BudgetPlannerError):
    """A round, spec or rules file is missing or malformed."""


class UsageError(BudgetPlannerError):
    """The caller asked for something that cannot be done (unknown unit, missing file)."""


class UnreadableFile(BudgetPlannerError):
    """A file that cannot be read at all; ``code`` is one of the file.* issue codes."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
