"""Demo data to log in with: a company, its regions and teams, one user per role, and the
demo records of each app (its DEMO_DATA hook, crm_site/hooks.py).

Idempotent: running it again updates the same rows instead of adding new ones.
"""

import unicodedata

from django.core.management.base import BaseCommand
from django.db import transaction

from crm_site import hooks
from teams import access, services
from teams.models import Role, RoleRecord, Team, User

# The demo's custom role, and what it has beyond the sales rep it was copied from.
DEMO_ROLE_ZH = "大客户经理"
DEMO_ROLE_EXTRA = "opportunities.see_costs"
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed on purpose: demo logins only

TEAMS = [
    # name, kind, parent
    ("示例科技有限公司", Team.Kind.COMPANY, None),
    ("华东大区", Team.Kind.REGION, "示例科技有限公司"),
    ("华南大区", Team.Kind.REGION, "示例科技有限公司"),
    ("上海销售一组", Team.Kind.TEAM, "华东大区"),
    ("杭州销售组", Team.Kind.TEAM, "华东大区"),
    ("广州销售组", Team.Kind.TEAM, "华南大区"),
]

USERS = [
    # username, last name, first name, role, team
    ("admin", "管", "理员", Role.ADMIN, "示例科技有限公司"),
    ("director", "陈", "总监", Role.DIRECTOR, "示例科技有限公司"),
    ("gm", "王", "总经理", Role.GENERAL_MANAGER, "示例科技有限公司"),
    ("legal", "李", "法务", Role.LEGAL, "示例科技有限公司"),
    ("delivery", "赵", "交付", Role.DELIVERY, "示例科技有限公司"),
    ("aftersales", "孙", "售后", Role.AFTERSALES, "示例科技有限公司"),
    ("manager_east", "周", "经理", Role.SALES_MANAGER, "华东大区"),
    ("manager_sh", "吴", "主管", Role.SALES_MANAGER, "上海销售一组"),
    ("manager_gz", "郑", "主管", Role.SALES_MANAGER, "广州销售组"),
    ("rep_sh1", "刘", "洋", Role.SALES_REP, "上海销售一组"),
    ("rep_sh2", "黄", "丽", Role.SALES_REP, "上海销售一组"),
    ("rep_hz1", "杨", "帆", Role.SALES_REP, "杭州销售组"),
    ("rep_gz1", "何", "静", Role.SALES_REP, "广州销售组"),
    ("rep_gz2", "罗", "斌", Role.SALES_REP, "广州销售组"),
]

MANAGERS = {"华东大区": "manager_east", "上海销售一组": "manager_sh", "广州销售组": "manager_gz"}


class Command(BaseCommand):
    help = "Create or refresh the demo company, teams and one login per role."

    @transaction.atomic
    def handle(self, *args, **options):
        admin, _ = User.objects.get_or_create(
            username="admin", defaults={"role": Role.ADMIN, "is_staff": True}
        )
        admin.role, admin.is_staff, admin.is_superuser, admin.is_active = (
            Role.ADMIN,
            True,
            True,
            True,
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save()

        teams = {}
        for name, kind, parent in TEAMS:
            team = Team.objects.filter(name=name).first()
            fields = {"kind": kind, "parent": teams.get(parent)}
            if team is None:
                team = services.team_create(by=admin, name=name, **fields)
            elif (team.kind, team.parent) != (fields["kind"], fields["parent"]):
                team = services.team_update(by=admin, team=team, **fields)
            teams[name] = team

        for username, last, first, role, team in USERS:
            fields = {
                "first_name": first,
                "last_name": last,
                "role": role,
                "team": teams[team],
                "email": f"{username}@demo.example.com",
            }
            user = User.objects.filter(username=username).first()
            if user is None:
                services.user_create(by=admin, username=username, password=DEMO_PASSWORD, **fields)
            elif username != "admin":
                # Only touch what drifted, so re-runs add no noise to the audit trail.
                fields["is_active"] = True
                if any(getattr(user, name) != value for name, value in fields.items()):
                    services.user_update(by=admin, user=user, **fields)
                if not user.check_password(DEMO_PASSWORD):
                    services.user_reset_password(by=admin, user=user, password=DEMO_PASSWORD)

        for team_name, username in MANAGERS.items():
            manager = User.objects.get(username=username)
            if teams[team_name].manager_id != manager.pk:
                services.team_update(by=admin, team=teams[team_name], manager=manager)

        self._custom_role(admin)

        # Each app adds its demo records for these users (idempotent, like the above).
        for seed in hooks.get(hooks.DEMO_DATA):
            summary = seed()
            if summary:
                self.stdout.write(summary)
        self._print_logins()

    def _custom_role(self, admin):
        """A custom role beside the built-in ones: 大客户经理, a sales rep who also sees unit
        costs and margins (the roles page, /manage/roles/)."""
        if RoleRecord.objects.filter(name_zh=DEMO_ROLE_ZH).exists():
            return
        source = RoleRecord.objects.get(key=Role.SALES_REP)
        role = services.role_copy(
            by=admin, source=source, name_zh=DEMO_ROLE_ZH, name_en="Key account manager"
        )
        wanted = set(access.capabilities_of(Role.SALES_REP))
        wanted |= {DEMO_ROLE_EXTRA} & access.declared().keys()
        services.role_grants_save(by=admin, wanted={role.key: wanted})
        self.stdout.write(f"Custom role: {DEMO_ROLE_ZH}")

    def _print_logins(self):
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/"))
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD}")
        for user in User.objects.filter(username__in=[u[0] for u in USERS]).select_related("team"):
            team = user.team or "—"  # the admin belongs to no team
            role = user.get_role_display()
            self.stdout.write(f"  {user.username:<14} {role}{' ' * (16 - _width(role))} {team}")


def _width(text):
    """Columns `text` takes on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
