from django.core.management.base import BaseCommand, CommandError

from notifications import engine


class Command(BaseCommand):
    help = (
        "Run the reminder rules now (all, or one with --rule); --dry-run lists what would be "
        "sent without sending. A reminder already sent is not sent again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rule", help="run only this rule (see --list)")
        parser.add_argument("--dry-run", action="store_true", help="list, send nothing")
        parser.add_argument("--list", action="store_true", help="list the rules and stop")

    def handle(self, *args, rule=None, dry_run=False, list=False, **options):
        rules = engine.all_rules()
        if list:
            for name, found in rules.items():
                self.stdout.write(f"{name}\t{found.label}")
            return
        if rule is not None and rule not in rules:
            raise CommandError(f"unknown rule {rule!r}; the rules: {', '.join(rules)}")
        failed = False
        for name in [rule] if rule else rules:
            if dry_run:
                planned = engine.plan(name)
                new = [p for p in planned if not p.exists]
                self.stdout.write(f"{name}: {len(new)} to send, {len(planned) - len(new)} sent")
                for item in new:
                    self.stdout.write(f"  {item.recipient.username}\t{item.key}")
                continue
            record = engine.run(name)
            self.stdout.write(f"{name}: {record.created} sent")
            if record.errors:
                failed = True
                self.stderr.write(record.errors)
        if failed:
            raise CommandError("some reminders failed (see above)")
