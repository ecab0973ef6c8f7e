"""Every write to contracts that matters, one module per area:

- contracts.py: the number, create (from an accepted quote or from scratch), update,
  attachments;
- approval.py: submit, approve, reject, return, on the chain of ApprovalSteps;
- delegations.py: an approver names a delegate for a date range;
- lifecycle.py: signed (date and the signed copy), in delivery, completed, cancelled;
- amendments.py: an approved change's amount added to a signed contract;
- payments.py: the payment plan, payments and invoices;
- collection.py: the collection stage of an overdue instalment;
- common.py: the lock they share.

Each service takes keyword arguments only, runs in a transaction, locks the rows it changes
(`select_for_update`), checks the permission again (`PermissionDenied`) and the rules
(`errors.ContractError` and its kinds, with the message for the user), writes, and records
who did it.
"""
