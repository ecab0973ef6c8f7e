from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ForecastCommit,
    LostReason,
    Opportunity,
    OpportunitySettings,
    Product,
    Quote,
    QuoteLine,
    Stage,
    StageRequirement,
)


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "category", "list_price", "vat_rate", "is_active"]
    list_filter = ["is_active", "vat_rate", "category"]
    search_fields = ["code", "name"]


class RequirementInline(admin.TabularInline):
    model = StageRequirement
    extra = 0


@admin.register(Stage)
class StageAdmin(SimpleHistoryAdmin):
    list_display = ["name", "order", "default_probability", "is_won", "is_lost", "is_active"]
    inlines = [RequirementInline]


@admin.register(Opportunity)
class OpportunityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "customer", "stage", "status", "expected_amount", "owner"]
    list_filter = ["status", "stage"]
    search_fields = ["name", "customer__name"]
    raw_id_fields = ["customer", "contact", "survey", "owner", "created_by", "won_competitor"]


class QuoteLineInline(admin.TabularInline):
    model = QuoteLine
    extra = 0
    raw_id_fields = ["product"]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "opportunity", "status", "total_amount"]
    list_filter = ["status"]
    raw_id_fields = ["opportunity", "created_by"]
    inlines = [QuoteLineInline]


admin.site.register(LostReason)
admin.site.register(OpportunitySettings)
admin.site.register(ForecastCommit)
