"""Every write to opportunities that matters, one module per area:

- opportunities.py: create, update, reassign, competitors, checklist ticks;
- moves.py: every move between stages (the only way: checklist, skips, won, lost, reopen)
  and the stage skip requests;
- quotes.py: versions, lines and totals, review by the manager, discount approval by the
  director, sent / accepted / declined;
- deadlines.py: needs confirmed → solution due in working days, extension requests;
- catalogue.py: products, the .xlsx import (all or nothing) and export;
- forecast.py: a manager's forecast commits;
- setup.py: what an admin sets up: stages and checklists, lost reasons, the settings;
- common.py: the lock and the stage lookup they share.

Each service takes keyword arguments only, runs in a transaction, locks the rows it changes
(`select_for_update`), checks the permission again (`PermissionDenied`) and the rules
(`errors.OpportunityError` and its kinds, with the message for the user), writes, and
records who did it.
"""
