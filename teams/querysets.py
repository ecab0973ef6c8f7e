from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models

from . import policy


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(policy.teams_q(user))


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(policy.users_q(user))

    def active(self):
        return self.filter(is_active=True)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass
