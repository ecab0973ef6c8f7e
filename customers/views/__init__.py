"""Thin views: read input, call one service or selector, render or redirect.

One module per area; urls.py imports them: lists, records (the customer page and edit),
contacts (and sharing), followups (and tasks, needs surveys), grading, ownership (merge and
handover), excel (import and export), people (the user pickers' search); mixins.py holds
what they share.
"""
