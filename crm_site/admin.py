from django.contrib import admin

from teams.permissions import may_use_django_admin


class SuperuserAdminSite(admin.AdminSite):
    """/django-admin/ for superusers only.

    It edits every row with no visibility policy, and on users every flag: the staff flag
    alone would let a staff user read all customers or make themselves superuser there.
    """

    def has_permission(self, request):
        return may_use_django_admin(request.user)
