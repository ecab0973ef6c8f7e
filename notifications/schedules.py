"""A rule's schedule (REMINDER_SCHEDULES, crontab fields in Asia/Shanghai) in words."""

from django.conf import settings
from django.utils.translation import gettext as _


def describe(name):
    spec = settings.REMINDER_SCHEDULES.get(name)
    if spec is None:
        return _("Not scheduled (run by hand only)")
    hour, minute = str(spec.get("hour", "*")), str(spec.get("minute", "*"))
    others = {k: v for k, v in spec.items() if k not in ("hour", "minute")}
    if not others and hour.isdigit() and minute.isdigit():
        return _("Every day at %(time)s") % {"time": f"{int(hour):02d}:{int(minute):02d}"}
    if not others and minute.isdigit() and hour == "*":
        return _("Every hour at minute %(minute)s") % {"minute": f"{int(minute):02d}"}
    if not others and minute.isdigit() and "-" in hour and hour.replace("-", "").isdigit():
        first, last = hour.split("-")
        return _("Every hour from %(first)s:%(minute)s to %(last)s:%(minute)s") % {
            "first": f"{int(first):02d}",
            "last": f"{int(last):02d}",
            "minute": f"{int(minute):02d}",
        }
    return " ".join(f"{key}={value}" for key, value in spec.items())
