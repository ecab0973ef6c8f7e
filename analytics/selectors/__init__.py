"""Reads of analytics beyond `visible_to`: metrics.py (per-rep aggregates), scorecards.py
(scores, ranks), targets.py (split status), budgets.py (budget use tables)."""
