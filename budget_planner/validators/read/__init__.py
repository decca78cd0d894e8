"""Read: a WorkbookGrid → the tables it holds (model: ParsedTable, TableRow, BudgetForm). Which table
a sheet is (detect), which unit filed it (units), its rows (rows, cells, amounts, yuan, returns,
continued) and a 预算表's form (budget_form, budget_period, programmes); reader puts them together.
See docs/reader.md."""
