"""Check: ParsedTables → Issues. The pandera schema built from the specs (schema), the checks across
cells (checks, duplicates, budget_checks) and the rules file (rules, rules.toml, rule_checks);
pipeline runs intake, read and check over a batch of uploads. See docs/architecture.md."""
