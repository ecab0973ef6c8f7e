"""The organisation of the volume data (`manage.py seed_volume`): a company, 2-4 regions, the
teams, a manager for each team and region, the reps and a director. The apps' VOLUME_DATA
hooks (crm_site/hooks.py) then add their records for these people."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from . import roles
from .models import Role, Team, User

PASSWORD = "volume-pass-2026"  # noqa: S105 - benchmark logins only
PREFIX = "vol"


@dataclass
class Organisation:
    owners: list  # the reps and managers, by username: who may own records
    reps_by_team: dict  # team id -> its reps
    new_teams: int = 0
    new_users: int = 0

    @property
    def reps(self):
        return [u for u in self.owners if u.role == Role.SALES_REP] or self.owners


def organisation(*, reps, teams):
    """Create what is missing (bulk inserts; users hashed once); returns the Organisation."""
    region_count = 4 if teams >= 16 else 3 if teams >= 9 else 2
    new_teams = 0
    company, _ = Team.objects.get_or_create(
        name="规模测试公司", defaults={"kind": Team.Kind.COMPANY}
    )
    regions = []
    for r in range(region_count):
        region, created = Team.objects.get_or_create(
            name=f"规模测试大区{r + 1}", defaults={"kind": Team.Kind.REGION, "parent": company}
        )
        regions.append(region)
        new_teams += created
    squads = []
    for t in range(teams):
        squad, created = Team.objects.get_or_create(
            name=f"规模测试销售{t + 1:02d}组",
            defaults={"kind": Team.Kind.TEAM, "parent": regions[t % region_count]},
        )
        squads.append(squad)
        new_teams += created

    wanted = [(f"{PREFIX}_director", Role.DIRECTOR, company, "陈", "总监")]
    wanted += [
        (f"{PREFIX}_region{r + 1}", Role.SALES_MANAGER, region, "周", f"大区经理{r + 1}")
        for r, region in enumerate(regions)
    ]
    wanted += [
        (f"{PREFIX}_manager{t + 1:02d}", Role.SALES_MANAGER, squad, "吴", f"主管{t + 1:02d}")
        for t, squad in enumerate(squads)
    ]
    wanted += [
        (f"{PREFIX}_rep{i + 1:04d}", Role.SALES_REP, squads[i % teams], "刘", f"销售{i + 1:04d}")
        for i in range(reps)
    ]
    existing = set(
        User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True)
    )
    password = make_password(PASSWORD)  # hashed once: hashing per user takes seconds each
    new = [
        User(
            username=username,
            role=role,
            team=team,
            last_name=last,
            first_name=first,
            email=f"{username}@volume.example.com",
            password=password,
        )
        for username, role, team, last, first in wanted
        if username not in existing
    ]
    User.objects.bulk_create(new, batch_size=1000)
    users = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=users[u.username].pk, group=groups[u.role]) for u in new],
        ignore_conflicts=True,
    )
    for team, username in [
        *[(r, f"{PREFIX}_region{i + 1}") for i, r in enumerate(regions)],
        *[(s, f"{PREFIX}_manager{i + 1:02d}") for i, s in enumerate(squads)],
    ]:
        team.manager = users[username]
    Team.objects.bulk_update([*regions, *squads], ["manager"])
    reps_by_team = {}
    for user in users.values():
        if user.role == Role.SALES_REP:
            reps_by_team.setdefault(user.team_id, []).append(user)
    owners = [u for u in users.values() if u.role in roles.SELLS]
    return Organisation(
        owners=sorted(owners, key=lambda u: u.username),
        reps_by_team=reps_by_team,
        new_teams=new_teams,
        new_users=len(new),
    )
