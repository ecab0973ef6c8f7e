from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, using="default", **kwargs):
    from . import access

    if using == "default":
        access.sync()


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Users and teams")

    def ready(self):
        from . import hooks, permissions  # noqa: F401 - registers the hooks and the rules

        # The built-in roles and the defaults of capabilities seen for the first time, after
        # every migrate (and every flush of a test database).
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="teams.sync_roles")
