"""Report: problems as data and how they are shown. Every issue code with its title and message
(codes), the Issue and the Report (issues), the terminal text (terminal) and the annotated workbook
(annotate). See docs/contracts.md."""
