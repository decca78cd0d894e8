"""Workbooks written for people: the consolidated workbook (and the safe-text helper every export uses)."""
