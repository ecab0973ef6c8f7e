from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="notification-list"),
    path("bell/", views.BellView.as_view(), name="bell"),
    path("latest/", views.LatestView.as_view(), name="latest"),
    path("read-all/", views.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("<int:pk>/open/", views.NotificationOpenView.as_view(), name="notification-open"),
    path("<int:pk>/read/", views.NotificationReadView.as_view(), name="notification-read"),
]
