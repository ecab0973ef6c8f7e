from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from teams import views as team_views

urlpatterns = [
    path("", team_views.HomeView.as_view(), name="home"),
    path("healthz", team_views.healthz, name="healthz"),
    path("search/", team_views.GlobalSearchView.as_view(), name="global-search"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The language switch works on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("customers/", include("customers.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("contracts/", include("contracts.urls")),
    path("delivery/", include("delivery.urls")),
    path("aftersales/", include("aftersales.urls")),
    path("analytics/", include("analytics.urls")),
    path("manage/", include("teams.urls")),
    path("notifications/", include("notifications.urls")),
    path("django-admin/", admin.site.urls),
]
