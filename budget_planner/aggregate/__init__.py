"""Aggregation of a round: which versions count, the consolidated rows and totals, reconciliation.

``versions`` is the offline CLI's choice of versions; ``consolidate`` takes an explicit list of the
versions that count, so the web (which chooses differently) shares it.
"""
