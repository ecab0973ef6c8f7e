"""Every write of delivery that matters, one module per area:

- assignment.py: the admins mark delivery leads; a lead assigns a signed contract's delivery
  owner and team members;
- plan.py: the implementation plan's phases (dates, owner, tasks…), starting one (the first
  moves the contract into delivery through contracts' lifecycle), progress, done, and the
  weekly progress notes;
- changes.py: change requests, their approval (shifting phases, amending the contract);
- acceptance.py: acceptance reports, their open items, and the completion check contracts
  asks through hooks.py.

Each takes keyword arguments only, runs in a transaction under the contract's row lock
(contracts.services.common.lock_contract), checks the permission again (PermissionDenied) and
the rules (errors.DeliveryError, with the message for the user), writes, and records who.
"""
