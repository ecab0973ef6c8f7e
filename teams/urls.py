from django.urls import path

from . import role_views, views

app_name = "teams"

urlpatterns = [
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/new/", views.UserCreateView.as_view(), name="user-create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user-detail"),
    path("users/<int:pk>/edit/", views.UserUpdateView.as_view(), name="user-update"),
    path(
        "users/<int:pk>/password/",
        views.UserPasswordResetView.as_view(),
        name="user-password-reset",
    ),
    path(
        "users/<int:pk>/deactivate/confirm/",
        views.UserDeactivateConfirmView.as_view(),
        name="user-deactivate-confirm",
    ),
    path(
        "users/<int:pk>/deactivate/",
        views.UserActivationView.as_view(activate=False),
        name="user-deactivate",
    ),
    path(
        "users/<int:pk>/reactivate/",
        views.UserActivationView.as_view(activate=True),
        name="user-reactivate",
    ),
    path("roles/", role_views.RoleMatrixView.as_view(), name="role-list"),
    path("roles/new/", role_views.RoleCreateView.as_view(), name="role-create"),
    path("roles/<int:pk>/edit/", role_views.RoleUpdateView.as_view(), name="role-update"),
    path("roles/<int:pk>/history/", role_views.RoleHistoryView.as_view(), name="role-history"),
    path(
        "roles/<int:pk>/deactivate/",
        role_views.RoleActivationView.as_view(active=False),
        name="role-deactivate",
    ),
    path(
        "roles/<int:pk>/activate/",
        role_views.RoleActivationView.as_view(active=True),
        name="role-activate",
    ),
    path("teams/", views.TeamListView.as_view(), name="team-list"),
    path("teams/new/", views.TeamFormView.as_view(), name="team-create"),
    path("teams/<int:pk>/edit/", views.TeamFormView.as_view(), name="team-update"),
    path("calendar/", views.CalendarYearView.as_view(), name="calendar"),
    path("calendar/<int:year>/", views.CalendarYearView.as_view(), name="calendar-year"),
    path("calendar/new/", views.CalendarDayCreateView.as_view(), name="calendarday-create"),
    path(
        "calendar/days/<int:pk>/edit/",
        views.CalendarDayUpdateView.as_view(),
        name="calendarday-update",
    ),
    path(
        "calendar/days/<int:pk>/delete/",
        views.CalendarDayDeleteView.as_view(),
        name="calendarday-delete",
    ),
]
