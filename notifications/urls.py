from django.urls import path

from .views import agenda, centre, channels, preferences, rules

app_name = "notifications"

urlpatterns = [
    path("", centre.NotificationListView.as_view(), name="notification-list"),
    path("bell/", centre.BellView.as_view(), name="bell"),
    path("latest/", centre.LatestView.as_view(), name="latest"),
    path("read-all/", centre.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("<int:pk>/open/", centre.NotificationOpenView.as_view(), name="notification-open"),
    path("<int:pk>/read/", centre.NotificationReadView.as_view(), name="notification-read"),
    path("agenda/", agenda.AgendaView.as_view(), name="agenda"),
    path("agenda/feed/", agenda.AgendaFeedTokenView.as_view(), name="agenda-feed-token"),
    path("agenda/<str:token>.ics", agenda.AgendaFeedView.as_view(), name="agenda-feed"),
    path("preferences/", preferences.PreferencesView.as_view(), name="preferences"),
    path("rules/", rules.RuleListView.as_view(), name="rule-list"),
    path("rules/<str:name>/run/", rules.RuleRunNowView.as_view(), name="rule-run"),
    path("channels/", channels.TeamChannelListView.as_view(), name="teamchannel-list"),
    path("channels/new/", channels.TeamChannelFormView.as_view(), name="teamchannel-create"),
    path(
        "channels/<int:pk>/edit/",
        channels.TeamChannelFormView.as_view(),
        name="teamchannel-update",
    ),
    path(
        "channels/<int:pk>/delete/",
        channels.TeamChannelDeleteView.as_view(),
        name="teamchannel-delete",
    ),
]
