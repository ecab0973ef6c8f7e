"""The product catalogue, for those who keep it (directors and admins, MANAGES_CATALOGUE):
the list with filters, create and edit (deactivate), the .xlsx import (all or nothing, each
problem listed with its row) and the export of the filtered list."""

import io

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from crm_site.errors import DomainError

from .. import excel
from ..errors import ImportRefused, InvalidInput
from ..forms.catalogue import ProductFilterForm, ProductForm, ProductImportForm
from ..models import Product
from ..services import catalogue as catalogue_services

PROBLEMS_SHOWN = 500


class CatalogueMixin(PermissionRequiredMixin):
    permission_required = "opportunities.manage_catalogue"
    raise_exception = True


def _filtered(request):
    products = Product.objects.visible_to(request.user)
    categories = (
        Product.objects.exclude(category="").order_by("category").values_list("category", flat=True)
    )
    form = ProductFilterForm(request.GET or None, categories=categories.distinct())
    return form, form.apply(products)


class ProductListView(CatalogueMixin, ListView):
    template_name = "opportunities/product_list.html"
    context_object_name = "products"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form, products = _filtered(self.request)
        return products.order_by("category", "code")

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "filter_form": self.filter_form,
            "query": query.urlencode(),
        }


class ProductFormView(CatalogueMixin, FormView):
    template_name = "opportunities/product_form.html"
    form_class = ProductForm
    product = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.product}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "product": self.product}

    def form_valid(self, form):
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if self.product is None:
                product = catalogue_services.product_create(by=self.request.user, **values)
                messages.success(self.request, _("%(product)s added.") % {"product": product})
            else:
                product = catalogue_services.product_update(
                    by=self.request.user, product=self.product, **values
                )
                messages.success(self.request, _("%(product)s saved.") % {"product": product})
        except InvalidInput as error:
            for field, found in error.errors.items():
                form.add_error(field if field in form.fields else None, found)
            return self.form_invalid(form)
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return redirect("opportunities:product-list")


class ProductCreateView(ProductFormView):
    pass


class ProductUpdateView(ProductFormView):
    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.product = get_object_or_404(Product.objects.visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class ProductImportView(CatalogueMixin, FormView):
    """Upload the catalogue as .xlsx: every row is checked first; any problem and nothing is
    imported, and the page lists each problem's row, column and message."""

    template_name = "opportunities/product_import.html"
    form_class = ProductImportForm
    problems = ()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "problems": list(self.problems)[:PROBLEMS_SHOWN],
            "problems_hidden": max(len(self.problems) - PROBLEMS_SHOWN, 0),
            "headers": excel.HEADERS,
        }

    def form_valid(self, form):
        try:
            result = catalogue_services.products_import_file(
                by=self.request.user, upload=form.cleaned_data["file"]
            )
        except ImportRefused as refused:
            self.problems = refused.problems
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Catalogue imported: %(created)d new products, %(updated)d updated.")
            % {"created": result.created, "updated": result.updated},
        )
        return redirect("opportunities:product-list")


class ProductExportView(CatalogueMixin, View):
    """The catalogue as filtered on the list (this URL's query string), as .xlsx."""

    def get(self, request):
        _form, products = _filtered(request)
        buffer = io.BytesIO()
        catalogue_services.products_export(
            by=request.user, out=buffer, products=products.order_by("category", "code")
        )
        buffer.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(
            buffer,
            as_attachment=True,
            filename=f"products-{stamp}.xlsx",
            content_type=excel.XLSX_CONTENT_TYPE,
        )
