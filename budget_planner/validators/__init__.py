"""Validation, stage by stage — the way a file goes (docs/architecture.md):

- ``intake``: bytes → a WorkbookGrid, behind the container gate and in guarded worker processes;
- ``read``: the grid → the tables it holds, their unit and typed rows (docs/reader.md);
- ``check``: the tables → issues (the pandera schema, the checks, the rules file); ``pipeline``
  runs the stages over a batch;
- ``report``: the issue codes with their titles and templates, Issue and Report, and their
  renderings (terminal text, the annotated workbook).

Each stage imports only the ones before it (``lint-imports`` holds it).
"""
