"""Intake: an upload's bytes → a WorkbookGrid. The container gate (gate, zipgate, cfb) checks the file
before any parser sees it; the extractors (extract/) read .xlsx, .xls and .docx into plain grids
(grid); the worker runs them in guarded processes. See docs/architecture.md."""
