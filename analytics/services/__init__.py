"""Every write of analytics: targets.py (setting and splitting targets), expenses.py
(recording, approving, budgets), scorecards.py (weights, teamwork ratings)."""
