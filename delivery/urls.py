from django.urls import path

from .views import acceptance, assignment, changes, plan, projects

app_name = "delivery"

urlpatterns = [
    path("", projects.ProjectListView.as_view(), name="project-list"),
    path("leads/", assignment.leads, name="leads"),
    path("leads/set/", assignment.lead_set, name="lead-set"),
    path("contracts/<int:pk>/", projects.ProjectView.as_view(), name="project"),
    path("contracts/<int:pk>/assign/", assignment.assign, name="assign"),
    path("contracts/<int:pk>/complete/", projects.project_complete, name="complete"),
    path("contracts/<int:pk>/phases/new/", plan.phase_form, name="phase-create"),
    path("contracts/<int:pk>/phases/<int:phase_pk>/", plan.phase_form, name="phase-edit"),
    path("contracts/<int:pk>/phases/<int:phase_pk>/start/", plan.phase_start, name="phase-start"),
    path("contracts/<int:pk>/phases/<int:phase_pk>/done/", plan.phase_done, name="phase-done"),
    path(
        "contracts/<int:pk>/phases/<int:phase_pk>/percent/",
        plan.phase_percent,
        name="phase-percent",
    ),
    path("contracts/<int:pk>/notes/", plan.note_add, name="note-add"),
    path("contracts/<int:pk>/changes/new/", changes.change_create, name="change-create"),
    path(
        "contracts/<int:pk>/changes/<int:change_pk>/decide/",
        changes.change_decide,
        name="change-decide",
    ),
    path(
        "contracts/<int:pk>/acceptance/new/", acceptance.acceptance_create, name="acceptance-create"
    ),
    path("contracts/<int:pk>/items/<int:item_pk>/close/", acceptance.item_close, name="item-close"),
    path("acceptances/<int:pk>/print/", acceptance.acceptance_print, name="acceptance-print"),
    path("acceptances/<int:pk>/scan/", acceptance.acceptance_scan, name="acceptance-scan"),
]
