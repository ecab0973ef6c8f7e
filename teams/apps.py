from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Users and teams")

    def ready(self):
        from . import hooks, permissions  # noqa: F401 - registers the hooks and the rules
