from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Contact, Customer, ExportLog, FollowUp, GradingSettings, Industry, Tag


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "grade", "status", "owner", "next_followup_due"]
    list_filter = ["grade", "status", "region"]
    search_fields = ["name", "credit_code", "phone"]
    raw_id_fields = ["owner", "created_by", "second_check_requested_by"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "customer", "phone", "is_key"]
    search_fields = ["name", "phone"]
    raw_id_fields = ["customer"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["customer", "method", "occurred_at", "author", "is_late"]
    raw_id_fields = ["customer", "contact", "author"]


admin.site.register(Industry)
admin.site.register(Tag)
admin.site.register(GradingSettings)
admin.site.register(ExportLog)
