"""The use cases, one orchestration each, over the core: validate files (validate), aggregate a
round from files on disk (aggregate, with ahead: files parsed while validation loads), and
consolidate the stored versions that count (consolidation). The CLI and the site call these; the
core below never imports them. See docs/architecture.md."""
